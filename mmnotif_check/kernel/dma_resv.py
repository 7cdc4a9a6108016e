"""Alias module: dma_resv from ``fence``."""

from .fence import DmaResv, dma_resv_add_fence, dma_resv_enable_signaling_all, dma_resv_test_signaled, dma_resv_wait
