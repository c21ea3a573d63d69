/* gui.c: a harmless GUI-subsystem program for the filerep samples.
 *
 * Built as mingw-gui-x86.exe and mingw-gui-x64.exe. It imports APIs that the
 * behaviour rules look for: process creation and shell execution
 * (CreateProcessW, ShellExecuteW), anti-debugging (IsDebuggerPresent,
 * CheckRemoteDebuggerPresent), dynamic API resolution (LoadLibraryW,
 * GetProcAddress) and cryptography (CryptAcquireContextW/CryptGenRandom from
 * advapi32, BCryptOpenAlgorithmProvider/BCryptGenRandom from bcrypt). It only
 * shows a message box; the other paths need explicit command-line switches and
 * do nothing harmful (they start notepad.exe or read random bytes).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <shellapi.h>
#include <wincrypt.h>
#include <bcrypt.h>
#include <wchar.h>

typedef BOOL(WINAPI *beep_fn)(DWORD, DWORD);

static void random_bytes(BYTE *out, ULONG n)
{
	HCRYPTPROV prov;
	BCRYPT_ALG_HANDLE alg;

	if (CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL,
				 CRYPT_VERIFYCONTEXT)) {
		CryptGenRandom(prov, n, out);
		CryptReleaseContext(prov, 0);
	}
	if (BCryptOpenAlgorithmProvider(&alg, BCRYPT_RNG_ALGORITHM, NULL, 0) ==
	    0) {
		BCryptGenRandom(alg, out, n, 0);
		BCryptCloseAlgorithmProvider(alg, 0);
	}
}

static void start_notepad(void)
{
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	wchar_t cmd[] = L"notepad.exe";

	ZeroMemory(&si, sizeof si);
	si.cb = sizeof si;
	if (CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
			   &pi)) {
		CloseHandle(pi.hThread);
		CloseHandle(pi.hProcess);
	}
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmdline, int show)
{
	BOOL remote = FALSE;
	BYTE rnd[16];
	HMODULE k32;
	beep_fn beep;

	(void)inst;
	(void)prev;
	(void)show;
	if (IsDebuggerPresent() ||
	    (CheckRemoteDebuggerPresent(GetCurrentProcess(), &remote) &&
	     remote))
		MessageBoxW(NULL, L"debugger attached", L"filerep", MB_OK);
	if (wcscmp(cmdline, L"/notepad") == 0)
		start_notepad();
	if (wcscmp(cmdline, L"/readme") == 0)
		ShellExecuteW(NULL, L"open", L"readme.txt", NULL, NULL,
			      SW_SHOWNORMAL);
	if (wcscmp(cmdline, L"/random") == 0)
		random_bytes(rnd, sizeof rnd);
	k32 = LoadLibraryW(L"kernel32.dll");
	if (k32 != NULL) {
		beep = (beep_fn)(void (*)(void))GetProcAddress(k32, "Beep");
		if (beep != NULL && wcscmp(cmdline, L"/beep") == 0)
			beep(440, 100);
		FreeLibrary(k32);
	}
	MessageBoxW(NULL, L"filerep GUI sample", L"filerep", MB_OK);
	return 0;
}
