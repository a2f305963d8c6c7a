/*
 * srt pre-initialisation entry points for CPython on wasm32-wasi.
 *
 * Built into python.wasm as the static built-in module "_srt" (see
 * Modules/Setup.local written by build.sh) and exported from the module with
 * -Wl,--export=... so that a host can:
 *
 *   1. instantiate python.wasm WITHOUT running _start,
 *   2. call srt_preinit()  -> wasi-libc constructors + Py_InitializeFromConfig
 *                             + `site` + warm imports, then return,
 *   3. snapshot linear memory (the only mutable global, __stack_pointer, is
 *      back at its initial value once srt_preinit has returned),
 *   4. later, in a fresh instance of the same module: restore the memory and
 *      call srt_run(), which re-reads argv/environ from WASI (args_get,
 *      environ_get), re-applies the command line to the running interpreter
 *      and runs it like Py_RunMain().
 *
 * srt_run() has the same exit semantics as _start: it returns 0 on success
 * and otherwise terminates through proc_exit(status).
 *
 * The normal _start entry point is untouched.
 *
 * SPDX-License-Identifier: PSF-2.0 OR MIT (links against CPython)
 */

#include "Python.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/libc-environ.h>

/* Synthesised by wasm-ld; wasi-libc's crt1-command.o calls it from _start.
 * Because crt1 references it, wasm-ld does NOT wrap other exports with
 * ctor/dtor calls, so we must run constructors ourselves (they register the
 * WASI pre-opened directories in wasi-libc's table). */
extern void __wasm_call_ctors(void);
extern void __wasm_call_dtors(void);

/* 0 = fresh instance, 1 = pre-initialised, 2 = srt_run entered, 3 = _start */
static volatile int srt_state = 0;

/* Modules imported during pre-initialisation so that their code objects and
 * module state are part of the snapshot. Keep this list free of modules that
 * capture per-run state at import (random, tempfile, uuid, ...). */
static const char srt_warm[] =
    "import encodings, encodings.utf_8, encodings.latin_1, encodings.ascii\n"
    "import os, io, re, json, codecs, abc, stat, posixpath, genericpath\n"
    "import collections, functools, itertools, operator, types, enum\n"
    "import keyword, reprlib, copyreg, weakref, contextlib, warnings\n"
    "import sre_compile, sre_parse, json.decoder, json.encoder, json.scanner\n"
    "import traceback, linecache, tokenize, token\n";

__attribute__((export_name("srt_preinit")))
int srt_preinit(void)
{
    if (srt_state != 0) {
        __builtin_trap();
    }
    srt_state = 1;
    __wasm_call_ctors();

    PyStatus status;
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    /* Isolated-ish: no PYTHON* variables, no user site, no argv parsing.
       The real command line and environment are applied by srt_run(). */
    config.parse_argv = 0;
    config.use_environment = 0;
    config.user_site_directory = 0;
    config.pathconfig_warnings = 0;
    status = PyConfig_SetString(&config, &config.program_name, L"python3.11");
    if (PyStatus_Exception(status)) {
        goto fail;
    }
    status = Py_InitializeFromConfig(&config);
    if (PyStatus_Exception(status)) {
        goto fail;
    }
    PyConfig_Clear(&config);

    if (PyRun_SimpleString(srt_warm) != 0) {
        return 1;
    }
    fflush(stdout);
    fflush(stderr);
    return 0;

fail:
    PyConfig_Clear(&config);
    Py_ExitStatusException(status);   /* does not return */
    return 1;
}

/* _start (wasi-libc crt1-command.o of this Debian version) calls
 * __original_main and relies on wasm-ld wrapping every export with
 * __wasm_call_ctors/__wasm_call_dtors. Because srt_preinit references
 * __wasm_call_ctors, wasm-ld no longer generates those wrappers, so this strong
 * definition (replacing libc's weak one) runs the constructors for _start. */
extern int __main_void(void);

int __original_main(void)
{
    if (srt_state != 0) {
        __builtin_trap();
    }
    srt_state = 3;
    __wasm_call_ctors();
    int r = __main_void();
    __wasm_call_dtors();
    return r;
}

/* Read the WASI command line (args_sizes_get/args_get). */
static char **
srt_read_args(int *argcp)
{
    __wasi_size_t argc = 0, bufsize = 0;
    if (__wasi_args_sizes_get(&argc, &bufsize) != 0) {
        return NULL;
    }
    char **argv = calloc(argc + 1, sizeof(char *));
    char *buf = malloc(bufsize ? bufsize : 1);
    if (argv == NULL || buf == NULL) {
        return NULL;
    }
    if (__wasi_args_get((uint8_t **)argv, (uint8_t *)buf) != 0) {
        return NULL;
    }
    argv[argc] = NULL;
    *argcp = (int)argc;
    return argv;
}

/* Python side of srt_run, executed after the new PyConfig has been applied.
   _srt.environ() returns the fresh C environment as a bytes->bytes dict. */
static const char srt_refresh[] =
    "def _srt_refresh():\n"
    "    import sys, os, posix, _srt\n"
    "    env = _srt.environ()\n"
    "    posix.environ.clear(); posix.environ.update(env)\n"
    "    os.environ._data.clear(); os.environ._data.update(env)\n"
    /* Not importlib.invalidate_caches(): that re-reads the stdlib zip's
       directory (~30 ms). Directory finders are reset, negative entries
       (paths that did not exist at preinit) are dropped, zip importers of
       the immutable stdlib are kept. */
    "    pic = sys.path_importer_cache\n"
    "    for k, f in list(pic.items()):\n"
    "        if f is None:\n"
    "            del pic[k]\n"
    "        elif type(f).__name__ == 'FileFinder':\n"
    "            f.invalidate_caches()\n"
    "    if 'random' in sys.modules:\n"
    "        sys.modules['random'].seed()\n"
    "    if sys.warnoptions:\n"
    "        import warnings\n"
    "        warnings.resetwarnings()\n"
    "        warnings._processoptions(sys.warnoptions)\n"
    "    if not sys.flags.no_site and 'site' in sys.modules:\n"
    "        sys.modules['site'].main()\n"
    "_srt_refresh()\n"
    "del _srt_refresh\n";

__attribute__((export_name("srt_run")))
int srt_run(void)
{
    if (srt_state != 1) {
        __builtin_trap();
    }
    srt_state = 2;

    /* environ was captured by the snapshot: re-read it from environ_get. */
    __wasilibc_deinitialize_environ();
    __wasilibc_initialize_environ();

    int argc = 0;
    char **argv = srt_read_args(&argc);
    if (argv == NULL) {
        fprintf(stderr, "srt_run: cannot read WASI arguments\n");
        exit(120);
    }

    /* Start from the interpreter's current (fully read) configuration and
       re-apply the run-time command line and environment to it. Fields that
       only take effect during initialisation keep their snapshot values. */
    PyStatus status;
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    if (_PyInterpreterState_GetConfigCopy(&config) < 0) {
        PyErr_Print();
        exit(120);
    }
    config.parse_argv = 1;
    config.use_environment = 1;
    config.module_search_paths_set = 0;   /* recompute: honours PYTHONPATH */
    status = PyConfig_SetWideStringList(&config, &config.module_search_paths, 0, NULL);
    if (!PyStatus_Exception(status)) {
        status = PyConfig_SetWideStringList(&config, &config.orig_argv, 0, NULL);
    }
    if (!PyStatus_Exception(status)) {
        status = PyConfig_SetBytesArgv(&config, argc, argv);
    }
    if (!PyStatus_Exception(status)) {
        /* Parses the command line; -V/-h/usage errors come back as an
           exit status (handled like pymain does). */
        status = PyConfig_Read(&config);
    }
    if (PyStatus_Exception(status)) {
        PyConfig_Clear(&config);
        Py_ExitStatusException(status);
    }
    if (_PyInterpreterState_SetConfig(&config) < 0) {
        PyConfig_Clear(&config);
        PyErr_Print();
        exit(120);
    }
    PyConfig_Clear(&config);

    if (PyRun_SimpleString(srt_refresh) != 0) {
        exit(120);
    }

    int rc = Py_RunMain();
    __wasm_call_dtors();
    if (rc != 0) {
        exit(rc);
    }
    return 0;
}

/* ---- the _srt built-in module -------------------------------------- */

extern char **environ;

static PyObject *
srt_environ(PyObject *self, PyObject *unused)
{
    PyObject *d = PyDict_New();
    if (d == NULL) {
        return NULL;
    }
    if (environ == NULL) {
        return d;
    }
    for (char **e = environ; *e != NULL; e++) {
        const char *p = strchr(*e, '=');
        if (p == NULL) {
            continue;
        }
        PyObject *k = PyBytes_FromStringAndSize(*e, (Py_ssize_t)(p - *e));
        PyObject *v = PyBytes_FromString(p + 1);
        if (k == NULL || v == NULL) {
            Py_XDECREF(k);
            Py_XDECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        /* first occurrence wins, like posixmodule's convertenviron */
        if (PyDict_SetDefault(d, k, v) == NULL) {
            Py_DECREF(k);
            Py_DECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(k);
        Py_DECREF(v);
    }
    return d;
}

static PyObject *
srt_preinitialized(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(srt_state == 1 || srt_state == 2);
}

static PyMethodDef srt_methods[] = {
    {"environ", srt_environ, METH_NOARGS,
     "Return the current C environment as a dict of bytes."},
    {"preinitialized", srt_preinitialized, METH_NOARGS,
     "True if the interpreter was started through srt_preinit/srt_run."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef srt_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_srt",
    .m_doc = "srt sandbox runtime helpers (pre-initialisation support).",
    .m_size = 0,
    .m_methods = srt_methods,
};

PyMODINIT_FUNC
PyInit__srt(void)
{
    return PyModuleDef_Init(&srt_module);
}
