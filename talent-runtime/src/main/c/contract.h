/* contract.h: what the runtime and talent's Java side must agree on. Its Java twin is
 * talent-format's dev.talent.format.RuntimeContract: each TL_<NAME> here is <NAME> there, and
 * talent-runtime's RuntimeContractHeaderTest fails when a name or a value differs. Change both together;
 * code on either side refers to these names, never to the bare numbers or strings. Plain #defines only. */
#ifndef TALENT_CONTRACT_H
#define TALENT_CONTRACT_H

/* Exit statuses (sysexits.h values) */
#define TL_EXIT_USAGE 64      /* malformed TALENT_* configuration */
#define TL_EXIT_DATAERR 65    /* checkpoint cannot be restored here */
#define TL_EXIT_NOINPUT 66    /* no valid checkpoint found */
#define TL_EXIT_SOFTWARE 70   /* internal error, or a state talent cannot checkpoint */
#define TL_EXIT_IOERR 74      /* the program's output cannot be flushed (before a checkpoint or exit 75) */
#define TL_EXIT_CHECKPOINT 75 /* checkpoint written */

/* Environment keys */
#define TL_ENV_CHECKPOINT_DIR "TALENT_CHECKPOINT_DIR"
#define TL_ENV_STOP_AFTER "TALENT_STOP_AFTER"
#define TL_ENV_RESTART "TALENT_RESTART"
#define TL_ENV_KEEP "TALENT_KEEP"
#define TL_ENV_EVERY_VISITS "TALENT_EVERY_VISITS"
#define TL_ENV_EVERY_SECONDS "TALENT_EVERY_SECONDS"
#define TL_ENV_VERBOSE "TALENT_VERBOSE"
#define TL_ENV_PLATFORM "TALENT_PLATFORM"
#define TL_ENV_EVENT_FILE "TALENT_EVENT_FILE"
#define TL_ENV_RESTORE_FILE "TALENT_RESTORE_FILE"
#define TL_ENV_FAULT "TALENT_FAULT"
#define TL_ENV_FSYNC "TALENT_FSYNC"
#define TL_ENV_PRECOPY "TALENT_PRECOPY"
#define TL_ENV_CONFIG "TALENT_CONFIG"
#define TL_ENV_EARLY_REQUEST "TALENT_EARLY_REQUEST"
#define TL_ENV_RESTORE_BELOW "TALENT_RESTORE_BELOW"
#define TL_ENV_AWAIT_GO "TALENT_AWAIT_GO"
/* The one line (this word and a newline) that releases a restart waiting on TALENT_AWAIT_GO (go.c) */
#define TL_GO_MESSAGE "go"

/* Event lines: "<word> <fields>" */
#define TL_EVENT_STARTED "started"
#define TL_EVENT_READY "ready"
#define TL_EVENT_CHECKPOINT "checkpoint"
#define TL_EVENT_CHECKPOINT_FAILED "checkpoint-failed"
#define TL_EVENT_EXITING "exiting"
#define TL_EVENT_PRECOPY "precopy"
#define TL_EVENT_MAX_LINE 256 /* the longest line the orchestrator accepts, newline excluded */

/* Checkpoint files: TL_CKPT_PREFIX, the sequence in at least TL_CKPT_MIN_DIGITS digits, TL_CKPT_SUFFIX;
 * being written: "." + that name + TL_CKPT_TEMP_SUFFIX */
#define TL_CKPT_PREFIX "ckpt-"
#define TL_CKPT_SUFFIX ".tck"
#define TL_DELTA_SUFFIX ".tdl"
#define TL_CKPT_MIN_DIGITS 6
#define TL_CKPT_TEMP_SUFFIX ".tmp"

/* Pointer tags (docs/FORMAT.md) */
#define TL_PTR_NULL 0
#define TL_PTR_OBJECT 1
#define TL_PTR_STRING 2
#define TL_PTR_STREAM 3
#define TL_PTR_FUNCTION 4
#define TL_PTR_OPEN_STREAM 5
#define TL_PTR_INDETERMINATE 6

/* The standard streams of TL_PTR_STREAM */
#define TL_STREAM_STDIN 0
#define TL_STREAM_STDOUT 1
#define TL_STREAM_STDERR 2

/* Object kinds of TL_PTR_OBJECT */
#define TL_OBJ_GLOBAL 1
#define TL_OBJ_FRAME 2
#define TL_OBJ_HEAP 3
#define TL_OBJ_ARGV 4
#define TL_OBJ_ARGSTR 5

/* FILE section entries: kinds, access modes, flag bits */
#define TL_FILE_DESCRIPTOR 1
#define TL_FILE_STREAM 2
#define TL_FILE_LISTEN 3
#define TL_FILE_STDIN 4
#define TL_FILE_STD_DUP 5
#define TL_FILE_TCP 6 /* an established TCP connection, handed over to talent (tcp_handoff.c) */
#define TL_FILE_ACCESS_READ_ONLY 0
#define TL_FILE_ACCESS_WRITE_ONLY 1
#define TL_FILE_ACCESS_READ_WRITE 2
#define TL_FILE_FLAG_APPEND 1u
#define TL_FILE_FLAG_CLOEXEC 2u
#define TL_FILE_FLAG_NONBLOCK 4u

/* EPOL section (epoll instances and their registrations): which member of epoll_data the program wrote (the
 * compiler passes it to talent_epoll_ctl), the flag bits, and the bounds both readers enforce */
#define TL_EPOLL_DATA_INT32 1   /* data.fd or data.u32: a 32-bit value */
#define TL_EPOLL_DATA_U64 2     /* data.u64 */
#define TL_EPOLL_DATA_POINTER 3 /* data.ptr: written with the pointer encoding */
#define TL_EPOLL_FLAG_CLOEXEC 1u
#define TL_EPOLL_REG_DISARMED 1u /* an EPOLLONESHOT registration that fired and was not re-armed */
#define TL_EPOLL_MAX_INSTANCES 1024
#define TL_EPOLL_MAX_WATCHES 65536
/* EDUP section (more descriptors of the EPOL instances: dup, dup2, dup3, fcntl F_DUPFD): at most this many */
#define TL_EPOLL_MAX_COPIES 1024

/* HEAP section flag: a block whose type is not known */
#define TL_HEAP_UNTYPED 1u
/* HEAP section flag: one element (count 1) of a struct whose last member array holds what the block held after the
 * struct's other members (a flexible array member or the struct hack; FORMAT.md "HEAP") */
#define TL_HEAP_TRAILING 2u

#endif
