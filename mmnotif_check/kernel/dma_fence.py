"""Alias module: dma_fence from ``fence``."""

from .fence import (
    DmaFence,
    dma_fence_enable_sw_signaling,
    dma_fence_is_signaled,
    dma_fence_signal,
    dma_fence_wait,
    fence_signaller,
)
