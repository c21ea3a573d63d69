/* clang sample: a small console program built by clang with lld, once for
 * the MinGW target (x86_64-w64-windows-gnu, MinGW-w64 CRT) and once for the
 * MSVC target (see msvc.c). */
#include <stdio.h>
#include <windows.h>

int main(int argc, char **argv)
{
	(void)argv;
	printf("filerep clang sample, %d argument(s), pid %lu\n", argc - 1,
	       (unsigned long)GetCurrentProcessId());
	return 0;
}
