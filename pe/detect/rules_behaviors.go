package detect

// Behaviours from imports: one row per behaviour, with the APIs that show
// it (issue 3 item 5; report.md "behaviors").
//
// Sources: the Win32 API reference (learn.microsoft.com/windows/win32/api)
// for what each function does; mandiant/capa-rules for the habit of naming
// APIs without their A/W suffix and of listing examples
// (host-interaction/service/run-as-service.yml and its neighbours);
// testdata/README.md for what each sample imports.
//
// An API matches imports and delay imports, ignoring case and the A/W
// suffix; a name without "Ex" also matches its Ex variant (see APIGroup).
// Names that are common words ("connect", "bind") are tied to their DLL.
//
// Care points measured on the samples: the x86 MinGW runtime imports
// LoadLibraryA/GetProcAddress, the MSVC runtime imports IsDebuggerPresent,
// and the Go runtime imports SetThreadContext/ResumeThread. So dynamic API
// resolution is marked Common, anti-debugging needs two APIs, and process
// injection needs both a write into another process and a way to run it.

// winsock lists a socket function under both Winsock DLLs.
func winsock(fn ...string) []string {
	var out []string
	for _, f := range fn {
		out = append(out, "ws2_32.dll!"+f, "wsock32.dll!"+f)
	}
	return out
}

var behaviorRules = []BehaviorRule{
	{
		ID:          "service",
		Description: "Runs as a Windows service",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"StartServiceCtrlDispatcher", "RegisterServiceCtrlHandler",
		}}},
		Examples: []string{"mingw-service-x86.exe", "spoof-msft.exe"},
	},
	{
		ID:          "service-install",
		Description: "Installs or reconfigures Windows services",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"CreateService", "ChangeServiceConfig", "ChangeServiceConfig2",
		}}},
		Examples: []string{"mingw-service-x86.exe"},
	},
	{
		ID:          "network-client",
		Description: "Connects to network hosts",
		Groups: []APIGroup{{Min: 1, APIs: append(winsock("connect", "WSAConnect", "WSAConnectByName"),
			"InternetOpenUrl", "InternetConnect", "HttpSendRequest", "HttpOpenRequest",
			"WinHttpConnect", "WinHttpSendRequest", "WinHttpOpenRequest",
			"URLDownloadToFile", "URLOpenStream", "URLOpenBlockingStream",
		)}},
		Examples: []string{"mingw-console-x86.exe", "mingw-console-x64.exe"},
	},
	{
		ID:          "network-server",
		Description: "Accepts network connections",
		Groups: []APIGroup{
			{Min: 1, APIs: append(winsock("listen", "accept", "WSAAccept"), "mswsock.dll!AcceptEx", "HttpReceiveHttpRequest")},
			{Min: 1, APIs: append(winsock("bind"), "HttpAddUrl", "HttpAddUrlToUrlGroup")},
		},
		Examples: []string{"synthetic:network-server"},
	},
	{
		ID:          "registry-write",
		Description: "Writes to the registry",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"RegSetValue", "RegSetKeyValue", "RegCreateKey", "RegDeleteValue", "RegDeleteKey",
			"RegDeleteKeyValue", "RegDeleteTree", "RegReplaceKey", "RegRestoreKey",
			"SHSetValue", "SHDeleteKey", "SHDeleteValue", "SHRegSetUSValue",
			"NtSetValueKey", "ZwSetValueKey", "NtCreateKey", "ZwCreateKey",
		}}},
		Examples: []string{"mingw-console-x86.exe", "mingw-console-x64.exe"},
	},
	{
		ID:          "process-injection",
		Description: "Writes code into another process and runs it",
		Groups: []APIGroup{
			{Min: 1, APIs: []string{
				"WriteProcessMemory", "NtWriteVirtualMemory", "ZwWriteVirtualMemory",
				"NtMapViewOfSection", "ZwMapViewOfSection",
			}},
			{Min: 1, APIs: []string{
				"CreateRemoteThread", "CreateRemoteThreadEx", "NtCreateThreadEx", "ZwCreateThreadEx",
				"RtlCreateUserThread", "QueueUserAPC", "NtQueueApcThread", "ZwQueueApcThread",
				"SetThreadContext", "NtSetContextThread", "ZwSetContextThread",
			}},
			{Min: 1, APIs: []string{
				"OpenProcess", "NtOpenProcess", "ZwOpenProcess", "VirtualAllocEx", "VirtualAllocExNuma",
				"NtAllocateVirtualMemory", "ZwAllocateVirtualMemory", "CreateProcess",
				"NtUnmapViewOfSection", "ZwUnmapViewOfSection",
			}},
		},
		Examples: []string{"mingw-behave-x64.exe"},
	},
	{
		ID:          "input-hook",
		Description: "Installs Windows hooks, which can watch keyboard and mouse input",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"SetWindowsHookEx", "SetWinEventHook",
		}}},
		Examples: []string{"mingw-behave-x64.exe"},
	},
	{
		ID:          "keylogging",
		Description: "Captures keystrokes: reads key states together with a hook or raw input",
		Groups: []APIGroup{
			{Min: 1, APIs: []string{"SetWindowsHookEx", "RegisterRawInputDevices", "GetRawInputData"}},
			{Min: 1, APIs: []string{"GetAsyncKeyState", "GetKeyboardState", "GetKeyState", "GetKeyNameText", "MapVirtualKey", "ToUnicode", "ToAscii"}},
		},
		Examples: []string{"mingw-behave-x64.exe"},
	},
	{
		ID:          "anti-debug",
		Description: "Checks for a debugger",
		Groups: []APIGroup{{Min: 2, APIs: []string{
			"IsDebuggerPresent", "CheckRemoteDebuggerPresent",
			"NtQueryInformationProcess", "ZwQueryInformationProcess",
			"NtSetInformationThread", "ZwSetInformationThread", "NtQueryObject", "ZwQueryObject",
		}}},
		Examples: []string{"mingw-gui-x86.exe", "mingw-gui-x64.exe"},
	},
	{
		ID:          "crypto",
		Description: "Uses the Windows cryptography APIs",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"CryptAcquireContext", "CryptEncrypt", "CryptDecrypt", "CryptGenKey", "CryptDeriveKey",
			"CryptImportKey", "CryptExportKey", "CryptGenRandom", "CryptCreateHash", "CryptHashData",
			"CryptProtectData", "CryptUnprotectData",
			"BCryptOpenAlgorithmProvider", "BCryptEncrypt", "BCryptDecrypt", "BCryptGenerateSymmetricKey",
			"BCryptGenRandom", "BCryptHash", "BCryptCreateHash",
			"NCryptOpenStorageProvider", "NCryptEncrypt", "NCryptDecrypt",
		}}},
		Examples: []string{"mingw-gui-x86.exe", "mingw-gui-x64.exe"},
	},
	{
		ID:          "privilege-adjust",
		Description: "Enables privileges in its access token",
		Groups: []APIGroup{
			{Min: 1, APIs: []string{"AdjustTokenPrivileges", "NtAdjustPrivilegesToken", "ZwAdjustPrivilegesToken", "RtlAdjustPrivilege"}},
		},
		Examples: []string{"mingw-service-x86.exe"},
	},
	{
		ID:          "driver-load",
		Description: "Loads kernel drivers",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"NtLoadDriver", "ZwLoadDriver", "fltlib.dll!FilterLoad",
		}}},
		Examples: []string{"mingw-behave-x64.exe"},
	},
	{
		ID:          "process-create",
		Description: "Starts other programs",
		Groups: []APIGroup{{Min: 1, APIs: []string{
			"CreateProcess", "CreateProcessAsUser", "CreateProcessWithLogon", "CreateProcessWithToken",
			"CreateProcessInternal", "NtCreateUserProcess", "ZwCreateUserProcess",
			"WinExec", "ShellExecute", "ShellExecuteEx",
		}}},
		Examples: []string{"mingw-gui-x86.exe", "mingw-gui-x64.exe"},
	},
	{
		ID:          "dynamic-api",
		Description: "Resolves APIs at run time (LoadLibrary and GetProcAddress)",
		Common:      true,
		Groups: []APIGroup{
			{Min: 1, APIs: []string{"LoadLibrary", "LdrLoadDll"}},
			{Min: 1, APIs: []string{"GetProcAddress", "LdrGetProcedureAddress"}},
		},
		Examples: []string{"mingw-gui-x86.exe", "mingw-console-x86.exe"},
	},
}
