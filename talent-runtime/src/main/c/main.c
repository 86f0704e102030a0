/* main.c: the program's real main. Reads the configuration (config.c), installs the checkpoint signals,
 * starts the program fresh or rebuilds it from the newest valid checkpoint (open files first, then the heap,
 * the globals, and the call chain through the user's main in restoring mode). When the program unwinds for a
 * checkpoint, writes it; then either exits 75 (stop_after, SIGUSR1) or keeps running (SIGUSR2, every_visits,
 * every_seconds) by restoring the checkpoint just written in this same process, by the same code path as a
 * restart on another machine (so restart is exercised at every checkpoint): the heap blocks are freed and
 * allocated again from the file, the descriptors and streams stay open and are only mapped. A checkpoint that
 * cannot be written (an I/O error) does not end the program: it is restored in-process the same way, from
 * the encoded image in memory, and the program goes on as if no checkpoint had been asked for. Events for
 * an orchestrator (events.c) mark the start, each restore completed, each checkpoint and the exit. */
#include "env.h"
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "checkpoint_read.h"
#include "checkpoint_write.h"
#include "checkpoint_file.h"
#include "frames.h"
#include "site.h"
#include "signals.h"
#include "blocking.h"
#include "files.h"
#include "fdscan.h"
#include "events.h"
#include "tcp_handoff.h"
#include "heap_restore.h"
#include "heap_track.h"
#include "frame_alloca.h"
#include "precopy.h"
#include "epoll.h"
#include "sigdisp.h"
#include "streammodes.h"
#include "pending.h"
#include "children.h"
#include "go.h"
#include "ahead.h"
#include "exit_handlers.h"
#include "regexes.h"
#include "libc_state.h"
#include "foreign.h"
#include "cwd.h"
#include "itimers.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tl_restore_kind;

/* ---------------------------------------------------------------- falling back when a restore fails
 *
 * Validation refuses every file it can judge before anything is restored. What only the restore can find
 * (this program's descriptor of a heap block's type, a variable the resumed function asks for that the file
 * lacks, a value that does not fit) would otherwise end the process halfway through a restart, with exit
 * 65 or 70, although an older checkpoint may be valid. So while a restart from a checkpoint directory is
 * restoring, a fatal error (or a crash) re-executes the program with TALENT_RESTORE_BELOW=<sequence>: the new
 * process restores the newest valid checkpoint older than the one that failed. Everything for the execve is
 * prepared before the restore starts, so that a signal handler can use it. */
#define BELOW_VAR TL_ENV_RESTORE_BELOW
/* A restart started ahead waits for its go on this FIFO first (go.c); read from the environment only (a
 * configuration file in the working directory must not make a run wait), and once: not inherited. */
#define GO_VAR TL_ENV_AWAIT_GO
static char fallback_exe[4096];
static char **fallback_argv, **fallback_envp;
static char fallback_env[64];
static const tl_checkpoint *fallback_ck;
extern char **environ;

static void fallback_exec(void)
{
    uint32_t i;
    /* the descriptors the failed restore reopened: the next attempt reopens what it needs */
    for (i = 0; fallback_ck && i < fallback_ck->nfiles; i++)
        if (fallback_ck->files[i].fd > 2 && fallback_ck->files[i].kind != TL_FILE_STDIN)
            close((int)fallback_ck->files[i].fd);
    execve(fallback_exe, fallback_argv, fallback_envp);
}

static void fallback_on_signal(int sig)
{
    static const char msg[] = "talent: warning: the program crashed while a checkpoint was restored; falling back to "
                              "the previous checkpoint\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    fallback_exec();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void fallback_on_die(int code, const char *message)
{
    (void)code;
    tl_warn("checkpoint %llu could not be restored: %s; falling back to the previous checkpoint",
            (unsigned long long)fallback_ck->sequence, message);
    fallback_exec();
    tl_warn("cannot re-execute %s to fall back: %s", fallback_exe, tl_strerror(errno));
}

static void fallback_arm(const tl_checkpoint *ck, char **argv)
{
    size_t n = 0, i, k = 0;
    ssize_t len = readlink("/proc/self/exe", fallback_exe, sizeof fallback_exe - 1);
    struct sigaction sa;
    if (len <= 0)
        return;         /* no /proc: no fallback after validation */
    fallback_exe[len] = '\0';
    fallback_ck = ck;
    fallback_argv = argv;
    while (environ[n])
        n++;
    fallback_envp = tl_xcalloc(n + 2, sizeof *fallback_envp);
    snprintf(fallback_env, sizeof fallback_env, BELOW_VAR "=%llu", (unsigned long long)ck->sequence);
    for (i = 0; i < n; i++)
        if (strncmp(environ[i], BELOW_VAR "=", sizeof BELOW_VAR) != 0)
            fallback_envp[k++] = environ[i];
    fallback_envp[k++] = fallback_env;
    fallback_envp[k] = NULL;
    tl_die_hook = fallback_on_die;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fallback_on_signal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
}

static void fallback_disarm(void)
{
    if (!fallback_ck)
        return;
    tl_die_hook = NULL;
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    free(fallback_envp);
    fallback_envp = NULL;
    fallback_ck = NULL;
}

/* The object of the program holding p once the call chain is rebuilt: a global or frame variable (frames.c), else a heap
 * block (its element type from where it was allocated) */
static int object_extent(const void *p, uintptr_t *base, size_t *size, const talent_type **type)
{
    tl_hdr *h;
    if (tl_restored_object(p, base, size, type))
        return 1;
    h = tl_heap_holding(p);
    if (!h)
        return 0;
    *base = tl_hdr_addr(h);
    *size = tl_hdr_size(h);
    *type = tl_heap_site_elem(h->site);
    return 1;
}

static void restore_resuming(const tl_checkpoint *ck)
{
    char err[512];
    /* every value is read: a checkpoint file that shrank meanwhile gave zero pages for the rest (checkpoint_file.h),
     * so what was restored from it is refused (a restart from a directory falls back to an older checkpoint) */
    if (tl_checkpoint_file_shrank(ck->file))
        tl_die(TL_EXIT_IOERR, "checkpoint %llu cannot be restored: its file %s shrank while it was read (another "
               "process truncated it)", (unsigned long long)ck->sequence, ck->path);
    tl_checkpoint_guard_end();
    /* every object is in place: the regex_t the checkpoint marked compiled are compiled again (a failure falls back
     * like any restore's) */
    if (tl_regex_resume(err, sizeof err))
        tl_die(TL_EXIT_DATAERR, "checkpoint %llu cannot be restored: %s", (unsigned long long)ck->sequence, err);
    /* the buffers the program gave its streams, bound now: each wholly in its object (streammodes.c) */
    if (tl_restore_kind == TL_RESTORE_RESTART) {
        const char *bad = tl_streammodes_buffers_restored(object_extent);
        if (bad)
            tl_die(TL_EXIT_DATAERR, "checkpoint %llu cannot be restored: the C library's state it carries holds %s",
                   (unsigned long long)ck->sequence, bad);
    }
    /* restored: from here on a failure is the program's own */
    fallback_disarm();
    /* the program's signal dispositions, once talent's restore-time handlers are gone (sigdisp.c) */
    tl_sigdisp_restore(ck);
    if (tl_restore_kind == TL_RESTORE_RESTART && tl_fault == TL_FAULT_RESTORE)
        tl_die(TL_EXIT_DATAERR, "restore of checkpoint %llu failed: fault injected by TALENT_FAULT=restore (a testing "
               "aid: the restart fails just before the program would resume)", (unsigned long long)ck->sequence);
    if (tl_restore_kind == TL_RESTORE_RESTART) {
        tl_files_restore_connections(ck);
        /* every descriptor is back: the epoll instances and their registrations */
        tl_epoll_rebuild();
    }
    /* the interval timers, last: their handlers and dispositions are in place and every restore step that could fail
     * is done (itimers.c); in this process they kept running, and a timer signal held back since the checkpoint
     * began is delivered now, into the restored state */
    if (tl_restore_kind == TL_RESTORE_RESTART) {
        /* the signals the program blocked, before its timers run again (sigdisp.c) */
        const char *bad = tl_sigdisp_mask_apply();
        if (bad)
            tl_die(TL_EXIT_SOFTWARE, "checkpoint %llu cannot be restored: %s", (unsigned long long)ck->sequence, bad);
        /* the streams' buffering modes and orientations (streammodes.c): nothing is buffered in them yet */
        bad = tl_streammodes_apply();
        if (bad)
            tl_die(TL_EXIT_SOFTWARE, "checkpoint %llu cannot be restored: %s", (unsigned long long)ck->sequence, bad);
        /* a stream that gets its unwritten bytes back is buffered as the C library will buffer it (pending.c) */
        if (tl_pending_holds(0))
            tl_streammodes_settle(stdout);
        if (tl_pending_holds(1))
            tl_streammodes_settle(stderr);
        bad = tl_itimers_rearm();
        if (bad)
            tl_die(TL_EXIT_SOFTWARE, "checkpoint %llu cannot be restored: %s", (unsigned long long)ck->sequence, bad);
    }
    /* stdout's and stderr's unwritten bytes back into their buffers (pending.c): in a restarted process after their
     * buffering is set again, in this one (the in-process restore of a checkpoint it goes on after) as they were */
    tl_pending_put_back();
    tl_itimers_release();
    /* a checkpoint that was not written is no checkpoint the orchestrator could use: no `ready` for it */
    if (tl_restore_kind != TL_RESTORE_UNWRITTEN)
        tl_event(TL_EVENT_READY " %llu %s", (unsigned long long)ck->sequence, tl_platform);
    /* the program's errno as the checkpoint took it, not what the runtime's restore work left: the last step */
    errno = tl_site_errno();
}

/* Rebuilds the state of checkpoint ck before the user's main is called in restoring mode. */
static void restore(tl_checkpoint *ck, int in_process)
{
    uint32_t i;
    tl_regex_restore_begin();
    /* what decoded pointers name: frame objects and string constants (frames.c), open streams (files.c) */
    tl_value_hooks.resolve_object = tl_resolve_object;
    tl_value_hooks.string_constant = tl_string_constant;
    tl_value_hooks.stream = tl_files_stream;
    /* argv comes from the checkpoint; this process's own arguments are ignored */
    tl_argv_set((int)ck->argc, ck->argv);
    tl_strings_clear();
    /* a text that is a literal of this binary: pointers to it go to the literal, else to the heap copy */
    ck->str_lits = tl_xcalloc(ck->nstrs ? ck->nstrs : 1, sizeof *ck->str_lits);
    for (i = 0; i < ck->nstrs; i++) {
        ck->str_lits[i] = tl_literal_by_text(ck->strs[i], ck->str_lens[i]);
        if (!ck->str_lits[i])
            tl_strings_add(ck->strs[i], ck->str_lens[i]);
    }
    tl_files_restore(ck, in_process);
    tl_wait_resume(ck->has_wait, ck->wait_ns);
    /* the program's errno, set back as the last step before it resumes (restore_resuming) */
    tl_site_set_errno(ck->program_errno);
    /* the heap first: every block exists before any pointer into the heap is decoded */
    tl_bind_globals(ck);
    /* the descriptor of stdout's and stderr's unwritten bytes sized to this checkpoint's (pending.c) */
    tl_pending_bind(ck);
    tl_heap_restore(ck);
    tl_rstats.heap_ms = tl_now_ms();
    tl_restore_globals(ck);
    /* l64a's and ether_ntoa's texts came with the globals: carried again, "" (l64a(0)) too (foreign.c) */
    for (i = 0; i < ck->nglobals; i++)
        if (ck->globals[i].target)
            tl_libc_text_restored_global(ck->globals[i].target->addr);
    {
        /* the program's exit handlers came with the globals (exit_handlers.c): a list that is none is refused */
        const char *bad = tl_exit_handlers_restored();
        if (!bad)
            bad = tl_libc_state_restored();
        if (bad)
            tl_die(TL_EXIT_DATAERR, "checkpoint %llu cannot be restored: the C library's state it carries holds %s",
                   (unsigned long long)ck->sequence, bad);
    }
    tl_epoll_restore(ck, in_process);
    tl_restore_begin(ck);
    talent_restoring = 1;
}

/* A base named on the go FIFO: restored ahead from the checkpoint directory (ahead.c) */
static const char *ahead_dir;
static void ahead_base(const char *name)
{
    tl_ahead_base(ahead_dir, name);
}

int main(int argc, char **argv)
{
    tl_config c;
    tl_checkpoint *ck = NULL, *previous = NULL;
    uint64_t sequence = 1;
    int rc;

    /* the descriptors open before the program runs: inherited, entered into the table (fdscan.c) */
    tl_fdscan_start();
    tl_sigdisp_snapshot();
    /* where relative paths lead before the program or a restore changes directory (cwd.c); the configuration's
     * paths are made absolute against it */
    tl_cwd_snapshot();
    /* the file mode creation mask and the resource limits likewise (libc_state.c) */
    tl_libc_process_snapshot();
    /* the children it was started with, a launcher's (children.c) */
    tl_children_snapshot();
    tl_frames_on_resuming(restore_resuming);
    tl_config_read(&c);
    tl_tcp_set_dir(c.dir);
    tl_events_init(c.event_file);
    if (c.restart) {
        uint64_t below = 0;
        const char *b = getenv(BELOW_VAR), *go = getenv(GO_VAR);
        if (b && *b) {
            below = strtoull(b, NULL, 10);
            unsetenv(BELOW_VAR);
        }
        if (go && *go) {
            /* the memory the restore will write, made present while the source still runs */
            tl_ahead_populate();
            ahead_dir = c.dir;
            tl_go_await(go, ahead_base);
            unsetenv(GO_VAR);
        }
        tl_rstats.start_ms = tl_now_ms();
        ck = tl_xcalloc(1, sizeof *ck);
        if (c.restore_file) {
            tl_checkpoint_load_exact(c.restore_file, ck);
        } else {
            struct stat st;
            const char *why = stat(c.dir, &st) == 0 ? tl_untrusted(&st, 1) : NULL;
            /* checkpoints are trusted only from a directory nobody else can write (as ssh treats ~/.ssh) */
            if (why)
                tl_die(TL_EXIT_USAGE, "checkpoint directory %s is not trusted for a restart: %s (it must be owned by "
                       "you or root and writable by nobody else)", c.dir, why);
            tl_checkpoint_load_newest(c.dir, ck, below);
            fallback_arm(ck, argv);
        }
        tl_rstats.loaded_ms = tl_now_ms();
        tl_restore_kind = TL_RESTORE_RESTART;
        restore(ck, 0);
        sequence = ck->sequence + 1;
    } else {
        tl_argv_set(argc, argv);
    }
    tl_site_init(&c);
    tl_signals_init(c.every_seconds);
    tl_env_snapshot();      /* after the runtime's own variables are gone */
    /* the environment and locale the program had changed, on top of this process's (a failure falls back like any
     * restore's) */
    if (c.restart)
        tl_env_restore(ck);
    tl_precopy_init(c.precopy, c.dir);
    /* after the handlers are installed: an orchestrator may send a request as soon as it reads the line */
    if (!c.restart)
        tl_event(TL_EVENT_STARTED " %s", tl_platform);
    /* C11 7.5: errno is zero at program startup; the runtime's own calls above (a configuration file that is not
     * there, ...) must not leave theirs to the program (bzip2recover treats a non-zero errno at EOF as an error) */
    /* the one handler of the C library's that runs the program's exit handlers (those a restore brought back too),
     * registered after the runtime's own so that the program's run first, as they did without talent */
    if (tl_exit_handlers_init() != 0)
        tl_die(TL_EXIT_SOFTWARE, "cannot register the runtime's exit handler with the C library");
    if (!c.restart)
        errno = 0;

    for (;;) {
        tl_write_request req;
        tl_write_result res;
        int written;
        int64_t requested = tl_req_time_ns;

        rc = talent_the_program.invoke_main(tl_argc, tl_argv);

        if (talent_restoring)
            tl_die(TL_EXIT_SOFTWARE, "internal error: main returned before the call chain was rebuilt");
        if (!talent_unwinding)
            break;
        requested = tl_req_time_ns;
        req.dir = c.dir;
        req.sequence = sequence;
        req.reason = tl_site_reason();
        req.visits = tl_site_visits();
        req.point = tl_site_checkpoint_point();
        req.keep = c.keep;
        written = tl_checkpoint_write(&req, &res) == 0;
        if (tl_precopy_in_child()) {
            /* a pre-copy round that could not be written (a written one never returns): the parent goes on, and
             * its next stop writes a full checkpoint or a delta against an earlier complete round */
            if (res.refused)
                tl_warn("pre-copy round refused: %s", res.err);
            _exit(1);
        }
        if (res.refused) {
            /* the state cannot be carried now: nothing was written and nothing of the program was changed; it goes on
             * as if no checkpoint had been asked for (a stop included), and a later checkpoint is tried afresh */
            int has_wait;
            uint64_t wait_ns;
            tl_message("checkpoint %llu refused: %s; the program continues", (unsigned long long)sequence, res.err);
            tl_event(TL_EVENT_CHECKPOINT_FAILED " checkpoint %llu could not be written: %s", (unsigned long long)sequence,
                     res.err);
            if (requested && strcmp(req.reason, "stop-after") != 0)
                tl_req_time_ns = 0;
            has_wait = tl_wait_saved(&wait_ns);
            tl_wait_clear();
            tl_wait_resume(has_wait, wait_ns);
            talent_unwinding = 0;
            tl_alloca_forget();
            /* nothing of the program's state is restored: a timer signal held back is delivered now (itimers.c) */
            tl_itimers_release();
            tl_restore_kept();
            /* what stdout and stderr held unwritten, taken for the checkpoint, back into their buffers (pending.c) */
            tl_pending_put_back();
            talent_restoring = 1;
            tl_site_checkpoint_failed();
            continue;
        }
        if (!written) {
            tl_message("checkpoint %llu could not be written: %s; the program continues", (unsigned long long)sequence,
                       res.err);
            tl_event(TL_EVENT_CHECKPOINT_FAILED " checkpoint %llu could not be written: %s", (unsigned long long)sequence,
                     res.err);
        }
        if (requested && strcmp(req.reason, "stop-after") != 0) {
            /* from the handler's clock reading to the checkpoint file renamed into place (benchmark line) */
            if (written)
                tl_info("request latency: %.3f ms from signal to checkpoint %llu written (%.3f ms to the site that "
                        "took it)", (double)(tl_realtime_ns() - requested) / 1e6, (unsigned long long)sequence,
                        (double)(tl_site_taken_ns - requested) / 1e6);
            tl_req_time_ns = 0;
        }
        tl_wait_clear();
        if (written && tl_site_after() == TL_AFTER_EXIT) {
            tl_events_exit_owned();
            if (fflush(stdout) != 0)
                tl_die(TL_EXIT_IOERR, "cannot flush standard output: %s", tl_strerror(errno));
            exit(TL_EXIT_CHECKPOINT);
        }
        /* keep running: restore the file just written, or the image that could not be written, in this process */
        talent_unwinding = 0;
        tl_frames_reset();
        tl_heap_release_written();
        tl_alloca_forget();
        tl_rstats.start_ms = tl_now_ms();
        previous = ck;
        ck = tl_xcalloc(1, sizeof *ck);
        {
            char err[512], name[64];
            int mismatch, loaded;
            if (written) {
                loaded = tl_checkpoint_load(res.path, ck, err, sizeof err, &mismatch);
            } else {
                snprintf(name, sizeof name, "checkpoint %llu (in memory)", (unsigned long long)sequence);
                loaded = tl_checkpoint_load_buffer(name, res.image, res.image_len, ck, err, sizeof err, &mismatch);
            }
            if (loaded != 0)
                tl_die(TL_EXIT_SOFTWARE, "internal error: the checkpoint just encoded, %s, cannot be read back: %s",
                       written ? res.path : name, err);
        }
        tl_rstats.loaded_ms = tl_now_ms();
        tl_restore_kind = written ? TL_RESTORE_IN_PROCESS : TL_RESTORE_UNWRITTEN;
        restore(ck, 1);
        /* nothing of the program's state refers to the superseded checkpoint any more */
        if (previous) {
            tl_checkpoint_release(previous);
            free(previous);
        }
        if (written) {
            sequence++;
            tl_site_checkpoint_done();
        } else {
            /* the request is served; the next checkpoint takes this sequence number */
            tl_site_checkpoint_failed();
        }
    }
    tl_events_exiting(rc);
    exit(rc);
}
