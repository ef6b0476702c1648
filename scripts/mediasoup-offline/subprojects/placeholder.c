/* Empty translation unit. The worker's meson.build lists a static library of every dependency for its
 * (not built by default) shared library target; the Debian-backed subprojects hand it this one. */
typedef int squelch_placeholder_unit;
