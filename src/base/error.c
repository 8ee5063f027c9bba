/* error.c — names and messages for the project's error codes, generated
 * from the one table in hearth/error.h. */
#include "hearth/error.h"

const char *hb_strerror(int err)
{
	switch (err) {
	case HB_OK:
		return "success";
#define HB__ERR_MSG(name, value, msg)                                         \
	case value:                                                           \
		return msg;
		HB_ERRNO_MAP(HB__ERR_MSG)
#undef HB__ERR_MSG
	}
	return "unknown error";
}

const char *hb_errname(int err)
{
	switch (err) {
	case HB_OK:
		return "HB_OK";
#define HB__ERR_NAME(name, value, msg)                                        \
	case value:                                                           \
		return "HB_E" #name;
		HB_ERRNO_MAP(HB__ERR_NAME)
#undef HB__ERR_NAME
	}
	return "HB_E?";
}
