/* clang sample for the MSVC target (x86_64-pc-windows-msvc), linked by
 * lld-link. No Windows SDK or MSVC headers and libraries exist in Debian,
 * so the program needs no C runtime: it declares the two kernel32
 * functions it uses and links against an import library that
 * llvm-dlltool makes from kernel32.def. */
typedef void *HANDLE;
typedef unsigned long DWORD;

__declspec(dllimport) HANDLE __stdcall GetStdHandle(DWORD nStdHandle);
__declspec(dllimport) int __stdcall WriteFile(HANDLE h, const void *buf, DWORD n, DWORD *written, void *overlapped);
__declspec(dllimport) void __stdcall ExitProcess(unsigned int code);

static const char msg[] = "filerep clang-cl style sample\r\n";

void start(void)
{
	DWORD n = 0;
	WriteFile(GetStdHandle((DWORD)-11), msg, sizeof msg - 1, &n, 0);
	ExitProcess(0);
}
