/*
 * wdfsync.h - Windows Driver Frameworks: spin locks, wait locks, object
 * presentation locks.
 */
#ifndef _WDFSYNC_H_
#define _WDFSYNC_H_

WDF_DDI_VOID(WdfObjectAcquireLock, PFN_WDFOBJECTACQUIRELOCK, (WDFOBJECT Object), (Object))
WDF_DDI_VOID(WdfObjectReleaseLock, PFN_WDFOBJECTRELEASELOCK, (WDFOBJECT Object), (Object))
WDF_DDI(NTSTATUS, WdfWaitLockCreate, PFN_WDFWAITLOCKCREATE,
        (PWDF_OBJECT_ATTRIBUTES LockAttributes, WDFWAITLOCK *Lock), (LockAttributes, Lock))
WDF_DDI(NTSTATUS, WdfWaitLockAcquire, PFN_WDFWAITLOCKACQUIRE,
        (WDFWAITLOCK Lock, PLONGLONG Timeout), (Lock, Timeout))
WDF_DDI_VOID(WdfWaitLockRelease, PFN_WDFWAITLOCKRELEASE, (WDFWAITLOCK Lock), (Lock))
WDF_DDI(NTSTATUS, WdfSpinLockCreate, PFN_WDFSPINLOCKCREATE,
        (PWDF_OBJECT_ATTRIBUTES SpinLockAttributes, WDFSPINLOCK *SpinLock),
        (SpinLockAttributes, SpinLock))
WDF_DDI_VOID(WdfSpinLockAcquire, PFN_WDFSPINLOCKACQUIRE, (WDFSPINLOCK SpinLock), (SpinLock))
WDF_DDI_VOID(WdfSpinLockRelease, PFN_WDFSPINLOCKRELEASE, (WDFSPINLOCK SpinLock), (SpinLock))

#endif /* _WDFSYNC_H_ */
