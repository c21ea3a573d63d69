/* service.c: a harmless Windows service skeleton for the filerep samples.
 *
 * Built as mingw-service-x86.exe (GUI subsystem, like Windows' alg.exe) and
 * as spoof-msft.exe (x64, with a version resource that claims Microsoft).
 * It imports StartServiceCtrlDispatcherW, RegisterServiceCtrlHandlerExW and
 * SetServiceStatus (runs as a service), OpenSCManagerW/CreateServiceW
 * (service installation, only with "/install") and
 * OpenProcessToken/LookupPrivilegeValueW/AdjustTokenPrivileges (privilege
 * adjustment: it enables SeChangeNotifyPrivilege, which every user has).
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

#define SERVICE_NAME L"FilerepSample"

static SERVICE_STATUS_HANDLE status_handle;
static SERVICE_STATUS status;
static HANDLE stop_event;

static void set_state(DWORD state)
{
	status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	status.dwCurrentState = state;
	status.dwControlsAccepted =
		state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
	SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI handler(DWORD control, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	if (control == SERVICE_CONTROL_STOP) {
		set_state(SERVICE_STOP_PENDING);
		SetEvent(stop_event);
		return NO_ERROR;
	}
	if (control == SERVICE_CONTROL_INTERROGATE)
		return NO_ERROR;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

static void enable_change_notify(void)
{
	HANDLE token;
	TOKEN_PRIVILEGES tp;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES,
			      &token))
		return;
	tp.PrivilegeCount = 1;
	tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
	if (LookupPrivilegeValueW(NULL, SE_CHANGE_NOTIFY_NAME,
				  &tp.Privileges[0].Luid))
		AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL);
	CloseHandle(token);
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	(void)argc;
	(void)argv;
	status_handle = RegisterServiceCtrlHandlerExW(SERVICE_NAME, handler, NULL);
	if (status_handle == NULL)
		return;
	stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	enable_change_notify();
	set_state(SERVICE_RUNNING);
	WaitForSingleObject(stop_event, INFINITE);
	set_state(SERVICE_STOPPED);
}

static void install(void)
{
	wchar_t path[MAX_PATH];
	SC_HANDLE scm, svc;

	if (GetModuleFileNameW(NULL, path, MAX_PATH) == 0)
		return;
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
	if (scm == NULL)
		return;
	svc = CreateServiceW(scm, SERVICE_NAME, L"filerep sample service",
			     SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
			     SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, path,
			     NULL, NULL, NULL, NULL, NULL);
	if (svc != NULL)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
}

int WINAPI wWinMain(HINSTANCE inst, HINSTANCE prev, PWSTR cmdline, int show)
{
	static SERVICE_TABLE_ENTRYW table[] = {
		{ SERVICE_NAME, service_main },
		{ NULL, NULL },
	};

	(void)inst;
	(void)prev;
	(void)show;
	if (wcscmp(cmdline, L"/install") == 0) {
		install();
		return 0;
	}
	return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
