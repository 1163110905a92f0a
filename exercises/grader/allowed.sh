# Sourced by inspect.sh and manifest.sh: the calls every answer may make,
# whatever the exercise. The manifest lists, per exercise, only the calls
# beyond these, so it is the same whichever compiler built the reference.
# Calls every answer may make: memory and strings, printing to the
# program's own output, assertions, the compiler's helpers.
common_calls="malloc calloc realloc free memcpy memmove memset memcmp bcmp memchr
strlen strnlen strcmp strncmp strchr strrchr strstr strcpy strncpy strcat
strncat strdup strndup strspn strcspn strtol strtoul strtoll strtoull
snprintf vsnprintf sprintf printf fprintf vprintf vfprintf puts putchar
fputs fputc putc fwrite fflush perror stdout stderr abort __assert_fail
abs labs llabs qsort bsearch sqrt fabs floor ceil round pow exp log
__errno_location __ctype_b_loc __ctype_tolower_loc __ctype_toupper_loc
tolower toupper __stack_chk_fail __printf_chk __fprintf_chk __sprintf_chk
__snprintf_chk __vsnprintf_chk __memcpy_chk __memmove_chk __memset_chk
__strcpy_chk __strncpy_chk __strcat_chk _GLOBAL_OFFSET_TABLE_"

