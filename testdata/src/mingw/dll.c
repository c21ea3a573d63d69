/* dll.c: a tiny DLL for the filerep samples (mingw-dll-x64.dll).
 *
 * Exports (see dll.def): frt_add @1, frt_version @2, and frt_hidden @3 by
 * ordinal only (NONAME).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH)
		DisableThreadLibraryCalls(inst);
	return TRUE;
}

__declspec(dllexport) int frt_add(int a, int b)
{
	return a + b;
}

__declspec(dllexport) const char *frt_version(void)
{
	return "1.2.3.4";
}

__declspec(dllexport) int frt_hidden(void)
{
	return 42;
}
