/* app.c: the language-neutral (LN) program of the MUI samples (pe/mui/app.exe).
 *
 * Its own resources hold no strings: LoadStringW(112) and FormatMessageW find
 * them in <lang>\app.exe.mui, as Windows' alg.exe does.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmdline, int show)
{
	wchar_t name[256], msg[256];

	(void)prev;
	(void)cmdline;
	(void)show;
	if (LoadStringW(inst, 112, name, 256) == 0)
		lstrcpyW(name, L"?");
	if (FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE |
				   FORMAT_MESSAGE_IGNORE_INSERTS,
			   inst, 0x1000, 0, msg, 256, NULL) == 0)
		lstrcpyW(msg, L"?");
	MessageBoxW(NULL, msg, name, MB_OK);
	return 0;
}
