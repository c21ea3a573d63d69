/* behave.c: imports for the behaviour rules that the other samples leave out.
 *
 * Built as mingw-behave-x64.exe (committed base64-encoded, see README.md,
 * because the import profile resembles malware). Nothing here does harm:
 * every call targets the program's own process or fails by design, and all of
 * it is behind a "--demo" switch.
 *   process injection:  OpenProcess, VirtualAllocEx, WriteProcessMemory,
 *                       CreateRemoteThread (into itself, running noop())
 *   keyboard hook/keys: SetWindowsHookExW(WH_KEYBOARD_LL), CallNextHookEx,
 *                       UnhookWindowsHookEx, GetAsyncKeyState
 *   driver loading:     NtLoadDriver (ntdll) with an empty service key
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <string.h>

NTSTATUS NTAPI NtLoadDriver(PUNICODE_STRING DriverServiceName);

static DWORD WINAPI noop(LPVOID arg)
{
	(void)arg;
	return 0;
}

static LRESULT CALLBACK kb_hook(int code, WPARAM wp, LPARAM lp)
{
	return CallNextHookEx(NULL, code, wp, lp);
}

static void self_inject(void)
{
	static const char note[] = "filerep sample";
	HANDLE proc, thread;
	LPVOID mem;
	SIZE_T written = 0;

	proc = OpenProcess(PROCESS_ALL_ACCESS, FALSE, GetCurrentProcessId());
	if (proc == NULL)
		return;
	mem = VirtualAllocEx(proc, NULL, sizeof note, MEM_COMMIT | MEM_RESERVE,
			     PAGE_READWRITE);
	if (mem != NULL) {
		WriteProcessMemory(proc, mem, note, sizeof note, &written);
		thread = CreateRemoteThread(proc, NULL, 0, noop, mem, 0, NULL);
		if (thread != NULL) {
			WaitForSingleObject(thread, INFINITE);
			CloseHandle(thread);
		}
		VirtualFreeEx(proc, mem, 0, MEM_RELEASE);
	}
	CloseHandle(proc);
}

static void hook_once(void)
{
	HHOOK h = SetWindowsHookExW(WH_KEYBOARD_LL, kb_hook,
				    GetModuleHandleW(NULL), 0);
	if (h != NULL)
		UnhookWindowsHookEx(h);
	if (GetAsyncKeyState(VK_SHIFT) & 0x8000)
		printf("shift is down\n");
}

static void load_nothing(void)
{
	UNICODE_STRING empty = { 0, 0, NULL };
	printf("NtLoadDriver: 0x%08lx\n", (unsigned long)NtLoadDriver(&empty));
}

int main(int argc, char **argv)
{
	printf("filerep behaviour sample\n");
	if (argc == 2 && strcmp(argv[1], "--demo") == 0) {
		self_inject();
		hook_once();
		load_nothing();
	}
	return 0;
}
