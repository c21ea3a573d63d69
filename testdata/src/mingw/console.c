/* console.c: a harmless console program for the filerep samples.
 *
 * Built as mingw-console-x86.exe and mingw-console-x64.exe (and, from those,
 * the UPX and signed copies). It imports a realistic set of APIs for the
 * behaviour rules: a network client (ws2_32 socket/connect/send/recv) and
 * registry writes (advapi32 RegOpenKeyExW/RegSetValueExW). The network and
 * registry paths only run when the program is given the argument
 * "--really-connect HOST", and they only talk to a host named on the command
 * line and write a value under HKCU\Software\filerep-sample.
 */
#define WIN32_LEAN_AND_MEAN
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

static int remember_run(void)
{
	HKEY key;
	DWORD one = 1;
	LONG rc = RegOpenKeyExW(HKEY_CURRENT_USER, L"Software\\filerep-sample", 0,
				KEY_SET_VALUE, &key);
	if (rc != ERROR_SUCCESS)
		return -1;
	rc = RegSetValueExW(key, L"LastRun", 0, REG_DWORD, (const BYTE *)&one,
			    sizeof one);
	RegCloseKey(key);
	return rc == ERROR_SUCCESS ? 0 : -1;
}

static int say_hello(const char *host)
{
	WSADATA wsa;
	struct addrinfo hints, *res = NULL;
	SOCKET s;
	char buf[64];
	int n;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return -1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, "7", &hints, &res) != 0) {
		WSACleanup();
		return -1;
	}
	s = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (s != INVALID_SOCKET) {
		if (connect(s, res->ai_addr, (int)res->ai_addrlen) == 0) {
			send(s, "hello\n", 6, 0);
			n = recv(s, buf, sizeof buf - 1, 0);
			if (n > 0) {
				buf[n] = 0;
				printf("echo: %s", buf);
			}
		}
		closesocket(s);
	}
	freeaddrinfo(res);
	WSACleanup();
	return 0;
}

int main(int argc, char **argv)
{
	printf("filerep console sample\n");
	if (argc == 3 && strcmp(argv[1], "--really-connect") == 0) {
		say_hello(argv[2]);
		remember_run();
	}
	return 0;
}
