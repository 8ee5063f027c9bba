/* wasm_simd.h — where SIMD execution plugs into the internal form. Today
 * the engine decodes and validates every SIMD instruction but does not
 * compile them: hw_module_new fails with HB_ENOSYS for a module that uses
 * v128. To add SIMD (docs/wasm-engine.md, "Adding SIMD"):
 *   1. list the internal instructions in HW_IOPS_SIMD below, as
 *      X(NAME, operand words) rows (a v128 takes two adjacent slots);
 *   2. write their handlers in wasm_interp_simd.inc (included inside the
 *      interpreter's dispatch function);
 *   3. emit them from hw__compile_simd in wasm_compile_simd.c and drop the
 *      HB_ENOSYS check in wasm_compile.c. */
#ifndef HEARTH_WASM_SIMD_H
#define HEARTH_WASM_SIMD_H

#define HW_IOPS_SIMD(X) /* none yet */

#endif
