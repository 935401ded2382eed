/*
 * libtorch's CPU build links Intel MKL, which asks this function whether the CPU is Intel's and, on
 * any other vendor's CPU, runs its AVX2 kernels even where AVX-512 is present (an AMD EPYC 9004/9005
 * then does half the matrix products per second it can). Loaded into the global symbol scope before
 * MKL's first call (org.asr3m.nn.MklDispatch), this definition takes the place of MKL's own: MKL
 * then chooses its kernels from the CPU's feature flags alone. MklDispatch loads it only on CPUs
 * with the AVX-512 subsets those kernels use. Built by tools/build_mkl_dispatch.sh.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
