/* limits.h — every cap on counts and sizes read from untrusted input, in one
 * place (wasm3's d_m3MaxSane*). Each module keeps its own section; a value
 * here is a promise the parsers check, documented in docs/limits.md. */
#ifndef HEARTH_LIMITS_H
#define HEARTH_LIMITS_H

/* ---- base: MessagePack ---- */
#define HB_MP_MAX_TEXT_DEPTH 64 /* nesting rendered by hb_mp_to_text */

/* ---- lump: lumps and assets ---- */
#define HL_MAX_LUMP_BYTES (256u << 20)	    /* one lump, from a guest or a peer */
#define HL_DEFAULT_CACHE_BYTES (256u << 20) /* lumps kept in memory */
#define HL_DEFAULT_ASSET_BYTES (256u << 20) /* loaded assets kept cached */
#define HL_MAX_ASSET_TYPE 64		    /* bytes in an asset type name */

/* ---- rt: process runtime (hearth/rt.h). HR_MAX_* are the host-wide
 * ceilings a runtime config may not exceed; HR_DEF_* the per-process
 * defaults of hr_config_init. Every count a process controls is capped. */
#define HR_MAX_PROCS (1u << 22)		 /* processes alive at once */
#define HR_MAX_SCHEDULERS 256		 /* scheduler threads */
#define HR_MAX_MSG_BYTES (64u << 20)	 /* payload of one message */
#define HR_MAX_MSG_CAPS 1024		 /* capabilities in one message */
#define HR_MAX_MAILBOXES 65536		 /* mailboxes of one process */
#define HR_MAX_HANDLES (1u << 24)	 /* capability table entries */
#define HR_MAX_QUEUE_MSGS (1u << 24)	 /* messages queued to a process */
#define HR_MAX_QUEUE_BYTES (1u << 30)	 /* bytes queued to a process */
#define HR_MAX_MONITORS (1u << 20)	 /* monitors one process holds */
#define HR_MAX_LINKS (1u << 16)		 /* links of one process */
#define HR_MAX_TIMERS (1u << 20)	 /* pending timers of one process */
#define HR_MAX_LOG_LINES 4096		 /* log ring entries per process */
#define HR_MAX_LOG_TEXT 512		 /* bytes kept of one log line */
#define HR_MAX_NAME 64			 /* process name, NUL included */
#define HR_MAX_REASON_TEXT 256		 /* exit reason text kept */
#define HR_MAX_SIGNAL_TEXT 64		 /* reason text in DOWN/EXIT messages */
#define HR_MAX_SERVICE_NAME 128		 /* registry entry name */
#define HR_MAX_REGISTRY_ENTRIES 65536	 /* entries of one registry */

#define HR_DEF_MSG_BYTES (1u << 20)
#define HR_DEF_MSG_CAPS 64
#define HR_DEF_MAILBOXES 1024
#define HR_DEF_HANDLES 65536
#define HR_DEF_QUEUE_MSGS 100000
#define HR_DEF_QUEUE_BYTES (64u << 20)
#define HR_DEF_MONITORS 65536
#define HR_DEF_LINKS 4096
#define HR_DEF_TIMERS 4096
#define HR_DEF_LOG_LINES 64
#define HR_DEF_MAX_PROCS (1u << 20)
#define HR_DEF_BUDGET 2000		 /* reductions per slice */

/* ---- wasm: module decoding and validation (caps on what a binary may
 * declare; a module over a cap fails with HB_ELIMIT, or with the spec's
 * own error where the spec defines one) ---- */
#define HW_MAX_MODULE_BYTES (256u << 20) /* whole binary */
#define HW_MAX_TYPES 1000000u            /* type section entries */
#define HW_MAX_PARAMS 1000u              /* parameters of one function type */
#define HW_MAX_RESULTS 1000u             /* results of one function type */
#define HW_MAX_IMPORTS 100000u
#define HW_MAX_FUNCS 1000000u            /* imported + defined */
#define HW_MAX_TABLES 100000u            /* imported + defined */
#define HW_MAX_GLOBALS 1000000u          /* imported + defined */
#define HW_MAX_EXPORTS 100000u
#define HW_MAX_ELEM_SEGMENTS 100000u
#define HW_MAX_ELEM_ITEMS 10000000u      /* items in one element segment */
#define HW_MAX_DATA_SEGMENTS 100000u
#define HW_MAX_NAME_BYTES 100000u        /* one import/export name */
#define HW_MAX_LOCALS 50000u             /* declared locals of one function */
#define HW_MAX_BODY_BYTES 7654321u       /* one function body */
#define HW_MAX_NESTING 10000u            /* block/loop/if depth in a body */
#define HW_MAX_BR_TABLE 1000000u         /* br_table targets */
#define HW_MAX_FRAME_SLOTS (1u << 20)   /* one function's frame, 8-byte slots */
#define HW_MAX_CODE_RATIO 32u            /* compiled words per input byte */

/* ---- wasm: instance defaults (hw_instance_opts may lower or raise) ---- */
#define HW_MAX_PAGES 65536u              /* 4 GiB: the wasm32 maximum */
#define HW_MAX_TABLE_ELEMS 10000000u     /* elements of one table */
#define HW_DEFAULT_STACK_SLOTS (1u << 20) /* value stack: 8 MiB */
#define HW_DEFAULT_CALL_DEPTH 20000u     /* nested Wasm calls */

/* ---- wasm: WASI preview 1 (hearth/wasi.h) ---- */
#define HW_WASI_MAX_FDS 1024u            /* fd table of one context */
#define HW_WASI_MAX_IOVS 1024u           /* iovecs in one read/write */
#define HW_WASI_MAX_PATH 4096u           /* bytes of one guest path */
#define HW_WASI_MAX_SUBS 1024u           /* subscriptions of one poll_oneoff */
#define HW_WASI_MAX_LINE 4096u           /* line-mode output: longest line */
#define HW_WASI_MAX_ARGS_BYTES (1u << 20) /* args + environment, set by the host */

/* ---- proc: Wasm processes (hearth/proc.h, docs/processes.md, the guest
 * ABI in docs/guest-abi.md) ---- */
#define HP_MAX_SIGNALS 1024		 /* unfreed signals a process holds */
#define HP_MAX_LUMPS 1024		 /* lump handles a process holds */
#define HP_MAX_POLL 64			 /* mailboxes in one mb_poll */
#define HP_MAX_IMPORTS 1024		 /* imports of a spawnable module */
#define HP_MAX_META 1024		 /* bytes kept of a metadata field */
#define HP_MAX_ENTRY 256		 /* bytes of an entry-point name */
#define HP_MAX_MEMORY_PAGES 65536u	 /* a process's memory (4 GiB) */
#define HP_DEF_MEMORY_PAGES 1024u	 /* default: 64 MiB */
#define HP_FUEL_PER_REDUCTION 10	 /* Wasm fuel per scheduler reduction */
#define HP_MAX_FUEL_SLICE (1u << 24)	 /* fuel_per_slice a request may ask */
#define HP_HOSTCALL_FUEL 10		 /* least fuel a host call costs */
#define HP_GRAVE_PROCS 64		 /* dead processes whose logs are kept */
#define HP_MAX_RANDOM 65536		 /* bytes of one random() call */
#define HP_POOL_BYTES (64u << 20)	 /* resident bytes of freed memories
					    kept for reuse */
#define HP_POOL_MEMORY_BYTES (1u << 20)	 /* the largest memory kept */

#endif
