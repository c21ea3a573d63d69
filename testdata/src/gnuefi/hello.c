/* gnu-efi sample: the smallest UEFI application, linked by GNU ld as an
 * ELF shared object with gnu-efi's start-up code and linker script, then
 * converted to PE32+ (EFI application) by objcopy. */
#include <efi.h>
#include <efilib.h>

EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	Print(L"filerep gnu-efi sample\n");
	return EFI_SUCCESS;
}
