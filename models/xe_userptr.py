"""xe userptr invalidation on the MMU interval notifier (PROTOCOL 2.7 - 2.14).

One model, three versions of the driver (``VERSION``):

* ``"single-pass"``  : the baseline before the series (xe_userptr.c after 84211b1c):
  one ``invalidate`` callback that waits fences, zaps + flushes the TLB and unmaps, all
  under the notifier lock in write mode.
* ``"two-pass"``     : patch 2/4: ``invalidate_start`` (pass 1) marks the embedded
  ``finish`` in use when fences are pending; ``invalidate_finish`` does the waiting.
* ``"deferred-tlb"`` : patch 4/4 as merged (v4): pass 1 may also *submit* the TLB flush
  and leave the wait to the finish (``tlb_inval_submitted``).

Actors (all counts are constants): CPU threads that invalidate a range of the mm (munmap,
or the OOM reaper when ``NONBLOCKING``), bind threads on which the test-injection counter
fires and that run ``xe_vma_userptr_force_invalidate``, GPU job fences pending in each
VM's reservation object, and the per-GT TLB completion actor.

Ghost state (fields that exist only for the properties) is marked "ghost".
"""

from mmnotif_check.kernel.fence import (
    DmaFence,
    DmaResv,
    dma_resv_enable_signaling_all,
    dma_resv_test_signaled,
    dma_resv_wait,
    fence_signaller,
)
from mmnotif_check.kernel.locks import (
    Mutex,
    RwSem,
    down_read,
    down_write,
    mutex_is_held,
    mutex_lock,
    mutex_unlock,
    rwsem_held,
    rwsem_held_read,
    rwsem_held_write,
    up_read,
    up_write,
)
from mmnotif_check.kernel.mmu_notifier import (
    MmSubscriptions,
    MmuIntervalNotifier,
    MmuNotifierFinish,
    MmuRange,
    mn_itree_inv_end,
    mn_itree_invalidate,
    mn_overlaps,
    mmu_interval_notifier_insert,
    mmu_interval_read_begin,
    mmu_interval_read_retry,
)
from mmnotif_check.kernel.tlb import Gt, TlbBatch, tlb_done_actor, tlb_inval_issue

# ---------------------------------------------------------------- variant switches
VERSION = "deferred-tlb"      # single-pass | two-pass | deferred-tlb
STATIC_FINISH = True          # force-invalidate's `finish` is function-static (v2..v4, merged)
FAULT_MODE = True             # VMs in fault mode (zap PTEs + TLB flush in the notifier)
XE_ASSERTS = False            # CONFIG_DRM_XE_DEBUG: xe_assert() checked (injection works without it)
LOCK_ASSERTS = True           # v3 xe_userptr_assert_in_notifier (lockdep)
GPUSVM_UNMAP_ASSERTS_WRITE = False  # drm_gpusvm_unmap_pages(in_notifier) asserts write mode (H2)

# ---------------------------------------------------------------- scope
VMS = 1                       # VMs of the process (one mm)
USERPTRS = 1                  # userptr VMAs per VM; VMA k of VM v covers [16*(v*USERPTRS+k), +16)
PENDING_FENCES = (1,)         # per VM: GPU job fences pending in its resv at the start
BOUND = True                  # userptrs were bound once (initial_bind, tile_present)
INVALIDATIONS = ((0, 16),)    # CPU invalidation threads: the [start, end) each invalidates
NONBLOCKING = False           # those invalidations are non-blockable (OOM reaper)
FORCE = ()                    # bind threads with injection firing: index of the VM each binds
FORCE_VM_LOCK_WRITE = True    # VM_BIND holds vm->lock for write (exec rebind holds it for read)
EXECS = ()                    # exec threads (repin + publish a job): index of the VM each runs on
SYMBOLIC_SEQ = False          # the mm's invalidate_seq starts at any even 64-bit value (Z3)

# ---------------------------------------------------------------- mutants
MUTANT_FINISH_KEEPS_INUSE = False     # the finish path does not clear finish_inuse
MUTANT_PASS1_IGNORES_INUSE = False    # pass 1 ignores finish_inuse
MUTANT_TLB_KEEPS_SUBMITTED = False    # complete_tlb_inval does not clear tlb_inval_submitted
MUTANT_EXEC_SKIPS_RETRY = False       # exec publishes without the read_retry check under the lock


class VM:
    lock: RwSem = None                 # vm->lock
    notifier_lock: RwSem = None        # vm->svm.gpusvm.notifier_lock
    resv: DmaResv = None               # xe_vm_resv(vm): fences
    resv_lock: Mutex = None            # xe_vm_resv(vm): the ww_mutex
    gt: Gt = None
    fault_mode: bool = False
    invalidated: tuple = ()            # vm->userptr.invalidated


class Userptr:
    vm: VM = None
    notifier: MmuIntervalNotifier = None
    finish: MmuNotifierFinish = None   # embedded handle
    finish_inuse: bool = False
    tlb_inval_submitted: bool = False
    inval_batch: TlbBatch = None
    pages_mapped: bool = False         # pages.flags.has_dma_mapping
    notifier_seq: u64 = 0              # pages.notifier_seq
    initial_bind: bool = False
    tile_present: bool = False
    tile_invalidated: bool = False
    pages_current: bool = True         # ghost: the mapped pages are the ones the CPU maps now
    owners: tuple = ()                 # ghost: threads that own the embedded finish
    tlb_fences: tuple = ()             # ghost: every TLB flush issued for this VMA


force_finish: MmuNotifierFinish = None  # the function-level `static` of force-invalidate


@pure
def to_userptr(n):
    """container_of(notifier or finish, struct xe_userptr_vma, ...)"""
    for u in objects(Userptr):
        if u.notifier is n or u.finish is n:
            return u
    return None


@pure
def in_notifier_locked(vm):
    """xe_userptr_assert_in_notifier(): write mode, or read mode + vm->lock + resv."""
    return rwsem_held_write(vm.notifier_lock) or (
        rwsem_held(vm.lock) and rwsem_held_read(vm.notifier_lock) and mutex_is_held(vm.resv_lock)
    )


@pure
def tlb_flushed(u):
    """The GPU can no longer translate to u's pages: PTEs zapped and every flush done."""
    if not (u.vm.fault_mode and u.initial_bind):
        return True
    zapped = not u.tile_present or u.tile_invalidated
    return zapped and all(f.signaled for f in u.tlb_fences)


@pure
def gpu_may_access(u):
    """GPU access to u's (old) pages is still possible."""
    return u.pages_mapped or not all(f.signaled for f in u.vm.resv.fences) or not tlb_flushed(u)


# ------------------------------------------------------------ xe_vm.c helpers
def xe_vm_invalidate_vma_submit(vm, u, batch_owner):
    """Zap the PTEs of tiles present and not yet invalidated, submit the TLB flush for
    what was zapped, and mark every tile invalidated right away (v4)."""
    with atomic():
        zap = u.tile_present and not u.tile_invalidated
        u.tile_invalidated = True
    if zap:
        f = tlb_inval_issue(vm.gt)
        with atomic():
            u.tlb_fences = u.tlb_fences + (f,)
            if batch_owner:
                assert len(u.inval_batch.fences) == 0, "tlb_batch_reused: inval_batch submitted into while a flush in it was never waited"
                u.inval_batch.fences = (f,)
        return f
    return None


def xe_vm_invalidate_vma(vm, u):
    """Synchronous: zap, flush, wait for the flush (on a batch on the stack)."""
    f = xe_vm_invalidate_vma_submit(vm, u, False)
    if f is not None:
        wait_until(f.signaled)


def unmap_pages(vm, u):
    """drm_gpusvm_unmap_pages(in_notifier=true)."""
    if GPUSVM_UNMAP_ASSERTS_WRITE:
        assert rwsem_held_write(vm.notifier_lock), "gpusvm_unmap_asserts_write: drm_gpusvm_unmap_pages() in notifier context without the notifier lock in write mode"
    with atomic():
        assert all(f.signaled for f in vm.resv.fences), "fences_waited_before_unmap: pages DMA-unmapped while a GPU job fence is pending"
        assert tlb_flushed(u), "tlb_waited_before_unmap: pages DMA-unmapped before the TLB invalidation completed"
        u.pages_mapped = False


def assert_lock_mode(vm):
    if LOCK_ASSERTS:
        assert in_notifier_locked(vm), "lock_mode_assert: notifier state touched without the notifier lock in write mode (or read + vm->lock + resv)"


# ------------------------------------------------------------ xe_userptr.c, single pass
def queue_for_repin(vm, u):
    """Tell exec and the rebind worker to repin (the vm->userptr.invalidated list)."""
    if not vm.fault_mode and u not in vm.invalidated:
        vm.invalidated = vm.invalidated + (u,)


def invalidate_body_single_pass(vm, u):
    with atomic():
        queue_for_repin(vm, u)
        dma_resv_enable_signaling_all(vm.resv)
    dma_resv_wait(vm.resv)
    if vm.fault_mode and u.initial_bind:
        xe_vm_invalidate_vma(vm, u)
    unmap_pages(vm, u)


def xe_userptr_invalidate(n, rng, cur_seq):
    """ops->invalidate of the single-pass baseline."""
    u = to_userptr(n)
    vm = u.vm
    if not rng.blockable:
        return False
    down_write(vm.notifier_lock)
    with atomic():
        n.invalidate_seq = cur_seq
        u.pages_current = False
    invalidate_body_single_pass(vm, u)
    up_write(vm.notifier_lock)
    return True


# ------------------------------------------------------------ xe_userptr.c, two pass
def do_inval(vm, u, is_deferred):
    """xe_vma_userptr_do_inval(): returns the finish handle when it deferred the TLB wait."""
    assert_lock_mode(vm)
    if XE_ASSERTS and is_deferred:
        assert u.finish_inuse and not u.tlb_inval_submitted, "xe_assert_do_inval_deferred: deferred do_inval without owning the finish, or with a TLB flush outstanding"
    dma_resv_wait(vm.resv)
    if vm.fault_mode and u.initial_bind:
        if VERSION == "deferred-tlb" and not u.finish_inuse:
            if XE_ASSERTS:
                assert not u.tlb_inval_submitted, "xe_assert_tlb_not_submitted: TLB flush submitted twice"
            with atomic():
                u.finish_inuse = True
                u.tlb_inval_submitted = True
                u.owners = u.owners + (me(),)
            xe_vm_invalidate_vma_submit(vm, u, True)
            return u.finish
        xe_vm_invalidate_vma(vm, u)
    if is_deferred and not MUTANT_FINISH_KEEPS_INUSE:
        with atomic():
            u.finish_inuse = False
            u.owners = discard(u.owners, me())
    unmap_pages(vm, u)
    return None


def complete_tlb_inval(vm, u):
    """xe_vma_userptr_complete_tlb_inval()"""
    assert_lock_mode(vm)
    if XE_ASSERTS:
        assert u.finish_inuse and u.tlb_inval_submitted, "xe_assert_complete_tlb_inval: no TLB flush submitted by the finish owner"
    wait_until(all(f.signaled for f in u.inval_batch.fences))
    with atomic():
        u.inval_batch.fences = ()
        if not MUTANT_TLB_KEEPS_SUBMITTED:
            u.tlb_inval_submitted = False
        u.finish_inuse = False
        u.owners = discard(u.owners, me())
    unmap_pages(vm, u)


def pass1(vm, u):
    """xe_vma_userptr_invalidate_pass1(): the handle to finish later, or None."""
    assert_lock_mode(vm)
    with atomic():
        queue_for_repin(vm, u)
        dma_resv_enable_signaling_all(vm.resv)
        signaled = dma_resv_test_signaled(vm.resv)
    if signaled or (u.finish_inuse and not MUTANT_PASS1_IGNORES_INUSE):
        return do_inval(vm, u, False)
    with atomic():
        u.finish_inuse = True
        u.owners = u.owners + (me(),)
    return u.finish


def xe_userptr_invalidate_start(n, rng, cur_seq):
    """ops->invalidate_start: returns (true, handle or None)."""
    u = to_userptr(n)
    vm = u.vm
    if not rng.blockable:
        return (False, None)
    down_write(vm.notifier_lock)
    with atomic():
        n.invalidate_seq = cur_seq
        u.pages_current = False
    fin = pass1(vm, u)
    up_write(vm.notifier_lock)
    return (True, fin)


def xe_userptr_invalidate_finish(fin):
    """ops->invalidate_finish"""
    u = to_userptr(fin)
    vm = u.vm
    down_write(vm.notifier_lock)
    if VERSION == "deferred-tlb" and u.tlb_inval_submitted:
        complete_tlb_inval(vm, u)
    else:
        r = do_inval(vm, u, True)
        assert r is None, "finish_do_inval_returns_null: do_inval() in the finish path returned a handle that nobody will finish"
    up_write(vm.notifier_lock)


# ------------------------------------------------------------ force invalidate (INVAL_INJECT)
def force_invalidate(vm, u):
    """xe_vma_userptr_force_invalidate(): vm->lock, notifier lock (read) and resv held."""
    global force_finish
    with atomic():
        if not mmu_interval_read_retry(u.notifier, u.notifier_seq):
            u.notifier_seq -= 2
        u.pages_current = False
    if VERSION == "single-pass":
        invalidate_body_single_pass(vm, u)
        return
    if STATIC_FINISH:
        force_finish = pass1(vm, u)
        if force_finish is not None:
            force_finish = do_inval(vm, u, True)
        if force_finish is not None:
            complete_tlb_inval(vm, u)
    else:
        fin = pass1(vm, u)
        if fin is not None:
            fin = do_inval(vm, u, True)
        if fin is not None:
            complete_tlb_inval(vm, u)


def bind_with_injection(vm, u):
    """The bind/rebind PT-update prepare step with the injection counter firing."""
    if FORCE_VM_LOCK_WRITE:
        down_write(vm.lock)
    else:
        down_read(vm.lock)
    mutex_lock(vm.resv_lock)
    down_read(vm.notifier_lock)
    force_invalidate(vm, u)
    up_read(vm.notifier_lock)
    mutex_unlock(vm.resv_lock)
    if FORCE_VM_LOCK_WRITE:
        up_write(vm.lock)
    else:
        up_read(vm.lock)


# ------------------------------------------------------------ exec (non-LR VM)
def exec_thread(vm, u):
    """xe_exec: repin the userptr (xe_vm_userptr_pin, drm_gpusvm_get_pages), then publish
    a job under the notifier lock only if nothing was invalidated since (PROTOCOL 2.9, 2.10)."""
    down_write(vm.lock)
    seq = mmu_interval_read_begin(u.notifier)
    down_read(vm.notifier_lock)
    if not mmu_interval_read_retry(u.notifier, seq):
        with atomic():
            u.pages_mapped = True
            u.pages_current = True
    up_read(vm.notifier_lock)
    u.notifier_seq = seq
    with atomic():
        vm.invalidated = discard(vm.invalidated, u)
    down_read(vm.notifier_lock)
    if MUTANT_EXEC_SKIPS_RETRY or (len(vm.invalidated) == 0 and not mmu_interval_read_retry(u.notifier, u.notifier_seq)):
        with atomic():
            assert u.pages_current and u.pages_mapped, "seq_retry_detects_collision: a GPU job was published against pages an invalidation has already claimed"
            f = new(DmaFence)
            vm.resv.fences = vm.resv.fences + (f,)
        spawn(fence_signaller, f, name=f"job{me()}", daemon=True)
    up_read(vm.notifier_lock)
    up_write(vm.lock)


# ------------------------------------------------------------ the mm side
def cpu_invalidate(subs, rng):
    """munmap / OOM reaper: invalidate_range_start, change the page tables, range_end."""
    err = mn_itree_invalidate(subs, rng)
    if err == 0:
        with atomic():
            for u in objects(Userptr):
                if mn_overlaps(u.notifier, rng):
                    assert not gpu_may_access(u), "no_gpu_access_after_return: invalidate_range_start returned while the GPU can still reach the old pages"
        mn_itree_inv_end(subs)


def init():
    subs = new(MmSubscriptions)
    if SYMBOLIC_SEQ:
        subs.invalidate_seq = symbolic("mm_seq", u64) * 2
    for v in range(VMS):
        vm = new(VM, lock=new(RwSem), notifier_lock=new(RwSem), resv=new(DmaResv), resv_lock=new(Mutex), gt=new(Gt), fault_mode=FAULT_MODE)
        if FAULT_MODE:
            spawn(tlb_done_actor, vm.gt, name=f"tlb{v}", daemon=True)
        for k in range(PENDING_FENCES[v]):
            f = new(DmaFence)
            vm.resv.fences = vm.resv.fences + (f,)
            spawn(fence_signaller, f, name=f"gpu{v}.{k}", daemon=True)
        for k in range(USERPTRS):
            if VERSION == "single-pass":
                n = new(MmuIntervalNotifier, invalidate=xe_userptr_invalidate)
            else:
                n = new(MmuIntervalNotifier, invalidate_start=xe_userptr_invalidate_start, invalidate_finish=xe_userptr_invalidate_finish)
            mmu_interval_notifier_insert(n, subs, 16 * (v * USERPTRS + k), 16)
            new(Userptr, vm=vm, notifier=n, finish=new(MmuNotifierFinish), inval_batch=new(TlbBatch),
                pages_mapped=BOUND, notifier_seq=n.invalidate_seq, initial_bind=BOUND, tile_present=BOUND)
    for i in range(len(INVALIDATIONS)):
        rng = new(MmuRange, start=INVALIDATIONS[i][0], end=INVALIDATIONS[i][1], blockable=not NONBLOCKING)
        spawn(cpu_invalidate, subs, rng, name=f"cpu{i}")
    for i in range(len(EXECS)):
        vm = objects(VM)[EXECS[i]]
        u = [x for x in objects(Userptr) if x.vm is vm][0]
        spawn(exec_thread, vm, u, name=f"exec{i}.vm{EXECS[i]}")
    for i in range(len(FORCE)):
        vm = objects(VM)[FORCE[i]]
        u = [x for x in objects(Userptr) if x.vm is vm][0]
        spawn(bind_with_injection, vm, u, name=f"bind{i}.vm{FORCE[i]}")


# ------------------------------------------------------------ properties
@invariant
def one_finish_owner():
    """one_finish_owner: the embedded finish is owned by at most one party, and finish_inuse is true exactly while it is owned (S4)"""
    return all(len(u.owners) <= 1 and u.finish_inuse == (len(u.owners) == 1) for u in objects(Userptr))


@invariant
def tlb_submitted_implies_inuse():
    """tlb_submitted_implies_inuse: tlb_inval_submitted is set while finish_inuse is clear (S6)"""
    return all(u.finish_inuse or not u.tlb_inval_submitted for u in objects(Userptr))


@final
def no_leaked_finish():
    """no_leaked_finish: when nothing is in flight, finish_inuse and tlb_inval_submitted are clear and no TLB batch is left unwaited (S5, S7)"""
    return all(not u.finish_inuse and not u.tlb_inval_submitted and len(u.inval_batch.fences) == 0 for u in objects(Userptr))
