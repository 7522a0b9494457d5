//! The structs of the kernel's io_uring ABI the driver uses
//! (`include/uapi/linux/io_uring.h`), unions flattened to the fields we use;
//! their sizes are asserted below.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SqOffsets {
    pub(crate) head: u32,
    pub(crate) tail: u32,
    pub(crate) ring_mask: u32,
    pub(crate) ring_entries: u32,
    pub(crate) flags: u32,
    pub(crate) dropped: u32,
    pub(crate) array: u32,
    pub(crate) resv1: u32,
    pub(crate) user_addr: u64,
}

#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CqOffsets {
    pub(crate) head: u32,
    pub(crate) tail: u32,
    pub(crate) ring_mask: u32,
    pub(crate) ring_entries: u32,
    pub(crate) overflow: u32,
    pub(crate) cqes: u32,
    pub(crate) flags: u32,
    pub(crate) resv1: u32,
    pub(crate) user_addr: u64,
}

#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Params {
    pub(crate) sq_entries: u32,
    pub(crate) cq_entries: u32,
    pub(crate) flags: u32,
    pub(crate) sq_thread_cpu: u32,
    pub(crate) sq_thread_idle: u32,
    pub(crate) features: u32,
    pub(crate) wq_fd: u32,
    pub(crate) resv: [u32; 3],
    pub(crate) sq_off: SqOffsets,
    pub(crate) cq_off: CqOffsets,
}

/// One submission: 64 bytes, the unions flattened to the fields we use.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Sqe {
    pub(crate) opcode: u8,
    pub(crate) flags: u8,
    pub(crate) ioprio: u16,
    pub(crate) fd: i32,
    pub(crate) off: u64,
    /// `ASYNC_CANCEL`: the `user_data` to cancel.
    pub(crate) addr: u64,
    /// `POLL_ADD`: its flags (`IORING_POLL_ADD_MULTI`).
    pub(crate) len: u32,
    /// `POLL_ADD`: `poll32_events`; `ASYNC_CANCEL`: `cancel_flags`.
    pub(crate) op_flags: u32,
    pub(crate) user_data: u64,
    pub(crate) buf_index: u16,
    pub(crate) personality: u16,
    /// `RECV` with `IORING_RECV_MULTISHOT`: `optlen`, the bytes after which
    /// it ends (Linux 6.17; older kernels refuse a non-zero value).
    pub(crate) file_index: u32,
    pub(crate) addr3: u64,
    pub(crate) pad: u64,
}

/// One completion (16 bytes; the ring is not set up for 32-byte CQEs).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cqe {
    pub(crate) user_data: u64,
    pub(crate) res: i32,
    pub(crate) flags: u32,
}

#[repr(C)]
pub(crate) struct KernelTimespec {
    pub(crate) tv_sec: i64,
    pub(crate) tv_nsec: i64,
}

#[repr(C)]
pub(crate) struct GeteventsArg {
    pub(crate) sigmask: u64,
    pub(crate) sigmask_sz: u32,
    pub(crate) min_wait_usec: u32,
    pub(crate) ts: u64,
}

/// `io_uring_rsrc_register`.
#[repr(C)]
pub(crate) struct RsrcRegister {
    pub(crate) nr: u32,
    pub(crate) flags: u32,
    pub(crate) resv2: u64,
    pub(crate) data: u64,
    pub(crate) tags: u64,
}

const _: () = assert!(std::mem::size_of::<RsrcRegister>() == 32);
const _: () = assert!(std::mem::size_of::<Params>() == 120);
const _: () = assert!(std::mem::size_of::<Sqe>() == 64);
const _: () = assert!(std::mem::size_of::<Cqe>() == 16);
const _: () = assert!(std::mem::size_of::<GeteventsArg>() == 24);
