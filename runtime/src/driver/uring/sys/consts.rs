//! The io_uring ABI's constants the driver uses (`include/uapi/linux/io_uring.h`).

pub(crate) const IORING_SETUP_CQSIZE: u32 = 1 << 3;
pub(crate) const IORING_SETUP_SUBMIT_ALL: u32 = 1 << 7;
pub(crate) const IORING_SETUP_COOP_TASKRUN: u32 = 1 << 8;
/// Only the thread that made the ring submits (Linux 6.0).
pub(crate) const IORING_SETUP_SINGLE_ISSUER: u32 = 1 << 12;
/// Completions' task work runs only in an `io_uring_enter` that asks for
/// events (Linux 6.1; needs `SINGLE_ISSUER`).
pub(crate) const IORING_SETUP_DEFER_TASKRUN: u32 = 1 << 13;

pub(crate) const IORING_FEAT_SINGLE_MMAP: u32 = 1 << 0;
pub(crate) const IORING_FEAT_NODROP: u32 = 1 << 1;
pub(crate) const IORING_FEAT_EXT_ARG: u32 = 1 << 8;
/// Linux 5.13, the release that also brought multishot `POLL_ADD`, which
/// has no feature bit of its own.
pub(crate) const IORING_FEAT_RSRC_TAGS: u32 = 1 << 10;
pub(crate) const IORING_FEAT_CQE_SKIP: u32 = 1 << 11;
/// Linux 6.3: a proxy for buffer-select `RECV` on sockets and provided-buffer
/// rings (5.19), which have no feature bits.
pub(crate) const IORING_FEAT_REG_REG_RING: u32 = 1 << 13;

pub(crate) const IORING_OP_NOP: u8 = 0;
pub(crate) const IORING_OP_POLL_ADD: u8 = 6;
pub(crate) const IORING_OP_ASYNC_CANCEL: u8 = 14;
pub(crate) const IORING_OP_RECV: u8 = 27;
pub(crate) const IORING_OP_FILES_UPDATE: u8 = 20;
/// `sqe.flags`: `sqe.fd` is a slot of the registered file table.
pub(crate) const IOSQE_FIXED_FILE: u8 = 1 << 0;
pub(crate) const IORING_REGISTER_FILES2: u32 = 13;
/// `io_uring_rsrc_register.flags`: a table of empty slots (Linux 5.19).
pub(crate) const IORING_RSRC_REGISTER_SPARSE: u32 = 1 << 0;

/// `sqe.ioprio` of a `RECV`: stay armed, a completion per buffer filled
/// (Linux 6.0).
pub(crate) const IORING_RECV_MULTISHOT: u16 = 1 << 1;
/// `sqe.flags`: take the buffer from the group named in `buf_index`.
pub(crate) const IOSQE_BUFFER_SELECT: u8 = 1 << 5;
/// `cqe.flags`: a buffer was taken; its id is `flags >> 16`.
pub(crate) const IORING_CQE_F_BUFFER: u32 = 1 << 0;
pub(crate) const IORING_CQE_BUFFER_SHIFT: u32 = 16;
pub(crate) const IORING_REGISTER_PBUF_RING: u32 = 22;

/// `sqe.len` of a `POLL_ADD`: stay armed after each completion.
pub(crate) const IORING_POLL_ADD_MULTI: u32 = 1 << 0;
pub(crate) const IOSQE_CQE_SKIP_SUCCESS: u8 = 1 << 6;
/// `cqe.flags`: more completions follow for this request.
pub(crate) const IORING_CQE_F_MORE: u32 = 1 << 1;

pub(crate) const IORING_ENTER_GETEVENTS: u32 = 1 << 0;
pub(crate) const IORING_ENTER_EXT_ARG: u32 = 1 << 3;

pub(crate) const IORING_OFF_SQ_RING: i64 = 0;
pub(crate) const IORING_OFF_CQ_RING: i64 = 0x800_0000;
pub(crate) const IORING_OFF_SQES: i64 = 0x1000_0000;
