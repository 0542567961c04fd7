/*
 * ddk/iotypes.h - OpenDDK: the I/O manager's structures and constants,
 * Windows x64 layouts.
 *
 * Everything a WDM driver reads or writes directly lives here: IRPs and
 * their stack locations, MDLs, driver/device/file objects, the PnP and
 * power parameter types, IOCTL encoding, access rights and the IRP_MJ /
 * IRP_MN / SL_ / DO_ / FO_ constants. Sizes and the offsets drivers use are
 * pinned with _Static_assert at the end of the file, so a layout slip stops
 * the build instead of corrupting a driver's view of an IRP.
 *
 * The executive keeps its private state outside these structures (in
 * wrappers that embed them, or in side tables), except where Windows itself
 * keeps it in a documented field.
 */
#ifndef _DDK_IOTYPES_H_
#define _DDK_IOTYPES_H_

#ifndef POINTER_ALIGNMENT
#define POINTER_ALIGNMENT DECLSPEC_ALIGN(8)
#endif
#ifndef MEMORY_ALLOCATION_ALIGNMENT
#define MEMORY_ALLOCATION_ALIGNMENT 16
#endif

/* ------------------------------------------------------------------ */
/* Forward declarations                                                */
/* ------------------------------------------------------------------ */

struct _IRP;
struct _DEVICE_OBJECT;
struct _DRIVER_OBJECT;
struct _FILE_OBJECT;
struct _MDL;
struct _VPB;
struct _IO_TIMER;
struct _FAST_IO_DISPATCH;
struct _CM_RESOURCE_LIST;
struct _IO_RESOURCE_REQUIREMENTS_LIST;
struct _SCSI_REQUEST_BLOCK;
struct _FILE_GET_QUOTA_INFORMATION;
struct _NAMED_PIPE_CREATE_PARAMETERS;
struct _MAILSLOT_CREATE_PARAMETERS;
struct _ACCESS_STATE;                  /* se.h */
struct _SECURITY_QUALITY_OF_SERVICE;   /* se.h */
struct _IO_CSQ;
struct _IORING_OBJECT;

typedef struct _IRP *PIRP;
typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;
typedef struct _DRIVER_OBJECT *PDRIVER_OBJECT;
typedef struct _FILE_OBJECT *PFILE_OBJECT;
typedef struct _MDL *PMDL, *PMDLX;
typedef struct _VPB *PVPB;
typedef struct _IO_TIMER *PIO_TIMER;
typedef struct _FAST_IO_DISPATCH *PFAST_IO_DISPATCH;
typedef struct _CM_RESOURCE_LIST *PCM_RESOURCE_LIST;
typedef struct _IO_RESOURCE_REQUIREMENTS_LIST *PIO_RESOURCE_REQUIREMENTS_LIST;
typedef ULONG DEVICE_TYPE;
typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;

/* Access rights: ddk/access.h. */
#include <ddk/access.h>

/* Share access. */
#define FILE_SHARE_READ        0x00000001
#define FILE_SHARE_WRITE       0x00000002
#define FILE_SHARE_DELETE      0x00000004
#define FILE_SHARE_VALID_FLAGS 0x00000007

/* File attributes. */
#define FILE_ATTRIBUTE_READONLY            0x00000001
#define FILE_ATTRIBUTE_HIDDEN              0x00000002
#define FILE_ATTRIBUTE_SYSTEM              0x00000004
#define FILE_ATTRIBUTE_DIRECTORY           0x00000010
#define FILE_ATTRIBUTE_ARCHIVE             0x00000020
#define FILE_ATTRIBUTE_DEVICE              0x00000040
#define FILE_ATTRIBUTE_NORMAL              0x00000080
#define FILE_ATTRIBUTE_TEMPORARY           0x00000100
#define FILE_ATTRIBUTE_SPARSE_FILE         0x00000200
#define FILE_ATTRIBUTE_REPARSE_POINT       0x00000400
#define FILE_ATTRIBUTE_COMPRESSED          0x00000800
#define FILE_ATTRIBUTE_OFFLINE             0x00001000
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#define FILE_ATTRIBUTE_ENCRYPTED           0x00004000
#define FILE_ATTRIBUTE_INTEGRITY_STREAM    0x00008000
#define FILE_ATTRIBUTE_VIRTUAL             0x00010000
#define FILE_ATTRIBUTE_NO_SCRUB_DATA       0x00020000
#define FILE_ATTRIBUTE_VALID_FLAGS         0x00007fb7
#define FILE_ATTRIBUTE_VALID_SET_FLAGS     0x000031a7

/* Create dispositions (IO_STACK_LOCATION.Parameters.Create.Options >> 24). */
#define FILE_SUPERSEDE           0x00000000
#define FILE_OPEN                0x00000001
#define FILE_CREATE              0x00000002
#define FILE_OPEN_IF             0x00000003
#define FILE_OVERWRITE           0x00000004
#define FILE_OVERWRITE_IF        0x00000005
#define FILE_MAXIMUM_DISPOSITION 0x00000005

/* Create options (low 24 bits of Parameters.Create.Options). */
#define FILE_DIRECTORY_FILE            0x00000001
#define FILE_WRITE_THROUGH             0x00000002
#define FILE_SEQUENTIAL_ONLY           0x00000004
#define FILE_NO_INTERMEDIATE_BUFFERING 0x00000008
#define FILE_SYNCHRONOUS_IO_ALERT      0x00000010
#define FILE_SYNCHRONOUS_IO_NONALERT   0x00000020
#define FILE_NON_DIRECTORY_FILE        0x00000040
#define FILE_CREATE_TREE_CONNECTION    0x00000080
#define FILE_COMPLETE_IF_OPLOCKED      0x00000100
#define FILE_NO_EA_KNOWLEDGE           0x00000200
#define FILE_OPEN_REMOTE_INSTANCE      0x00000400
#define FILE_RANDOM_ACCESS             0x00000800
#define FILE_DELETE_ON_CLOSE           0x00001000
#define FILE_OPEN_BY_FILE_ID           0x00002000
#define FILE_OPEN_FOR_BACKUP_INTENT    0x00004000
#define FILE_NO_COMPRESSION            0x00008000
#define FILE_OPEN_REQUIRING_OPLOCK     0x00010000
#define FILE_DISALLOW_EXCLUSIVE        0x00020000
#define FILE_SESSION_AWARE             0x00040000
#define FILE_RESERVE_OPFILTER          0x00100000
#define FILE_OPEN_REPARSE_POINT        0x00200000
#define FILE_OPEN_NO_RECALL            0x00400000
#define FILE_OPEN_FOR_FREE_SPACE_QUERY 0x00800000
#define FILE_VALID_OPTION_FLAGS        0x00ffffff
#define FILE_VALID_PIPE_OPTION_FLAGS   0x00000032
#define FILE_VALID_MAILSLOT_OPTION_FLAGS 0x00000032
#define FILE_VALID_SET_FLAGS           0x00000036

/* IoStatus.Information of a create. */
#define FILE_SUPERSEDED     0x00000000
#define FILE_OPENED         0x00000001
#define FILE_CREATED        0x00000002
#define FILE_OVERWRITTEN    0x00000003
#define FILE_EXISTS         0x00000004
#define FILE_DOES_NOT_EXIST 0x00000005

#define FILE_WRITE_TO_END_OF_FILE      0xffffffff
#define FILE_USE_FILE_POINTER_POSITION 0xfffffffe

/* ------------------------------------------------------------------ */
/* Device types, characteristics, IOCTL encoding                       */
/* ------------------------------------------------------------------ */

#define FILE_DEVICE_BEEP                0x00000001
#define FILE_DEVICE_CD_ROM              0x00000002
#define FILE_DEVICE_CD_ROM_FILE_SYSTEM  0x00000003
#define FILE_DEVICE_CONTROLLER          0x00000004
#define FILE_DEVICE_DATALINK            0x00000005
#define FILE_DEVICE_DFS                 0x00000006
#define FILE_DEVICE_DISK                0x00000007
#define FILE_DEVICE_DISK_FILE_SYSTEM    0x00000008
#define FILE_DEVICE_FILE_SYSTEM         0x00000009
#define FILE_DEVICE_INPORT_PORT         0x0000000a
#define FILE_DEVICE_KEYBOARD            0x0000000b
#define FILE_DEVICE_MAILSLOT            0x0000000c
#define FILE_DEVICE_MIDI_IN             0x0000000d
#define FILE_DEVICE_MIDI_OUT            0x0000000e
#define FILE_DEVICE_MOUSE               0x0000000f
#define FILE_DEVICE_MULTI_UNC_PROVIDER  0x00000010
#define FILE_DEVICE_NAMED_PIPE          0x00000011
#define FILE_DEVICE_NETWORK             0x00000012
#define FILE_DEVICE_NETWORK_BROWSER     0x00000013
#define FILE_DEVICE_NETWORK_FILE_SYSTEM 0x00000014
#define FILE_DEVICE_NULL                0x00000015
#define FILE_DEVICE_PARALLEL_PORT       0x00000016
#define FILE_DEVICE_PHYSICAL_NETCARD    0x00000017
#define FILE_DEVICE_PRINTER             0x00000018
#define FILE_DEVICE_SCANNER             0x00000019
#define FILE_DEVICE_SERIAL_MOUSE_PORT   0x0000001a
#define FILE_DEVICE_SERIAL_PORT         0x0000001b
#define FILE_DEVICE_SCREEN              0x0000001c
#define FILE_DEVICE_SOUND               0x0000001d
#define FILE_DEVICE_STREAMS             0x0000001e
#define FILE_DEVICE_TAPE                0x0000001f
#define FILE_DEVICE_TAPE_FILE_SYSTEM    0x00000020
#define FILE_DEVICE_TRANSPORT           0x00000021
#define FILE_DEVICE_UNKNOWN             0x00000022
#define FILE_DEVICE_VIDEO               0x00000023
#define FILE_DEVICE_VIRTUAL_DISK        0x00000024
#define FILE_DEVICE_WAVE_IN             0x00000025
#define FILE_DEVICE_WAVE_OUT            0x00000026
#define FILE_DEVICE_8042_PORT           0x00000027
#define FILE_DEVICE_NETWORK_REDIRECTOR  0x00000028
#define FILE_DEVICE_BATTERY             0x00000029
#define FILE_DEVICE_BUS_EXTENDER        0x0000002a
#define FILE_DEVICE_MODEM               0x0000002b
#define FILE_DEVICE_VDM                 0x0000002c
#define FILE_DEVICE_MASS_STORAGE        0x0000002d
#define FILE_DEVICE_SMB                 0x0000002e
#define FILE_DEVICE_KS                  0x0000002f
#define FILE_DEVICE_CHANGER             0x00000030
#define FILE_DEVICE_SMARTCARD           0x00000031
#define FILE_DEVICE_ACPI                0x00000032
#define FILE_DEVICE_DVD                 0x00000033
#define FILE_DEVICE_FULLSCREEN_VIDEO    0x00000034
#define FILE_DEVICE_DFS_FILE_SYSTEM     0x00000035
#define FILE_DEVICE_DFS_VOLUME          0x00000036
#define FILE_DEVICE_SERENUM             0x00000037
#define FILE_DEVICE_TERMSRV             0x00000038
#define FILE_DEVICE_KSEC                0x00000039
#define FILE_DEVICE_FIPS                0x0000003A
#define FILE_DEVICE_INFINIBAND          0x0000003B
#define FILE_DEVICE_VMBUS               0x0000003E
#define FILE_DEVICE_CRYPT_PROVIDER      0x0000003F
#define FILE_DEVICE_WPD                 0x00000040
#define FILE_DEVICE_BLUETOOTH           0x00000041
#define FILE_DEVICE_MT_COMPOSITE        0x00000042
#define FILE_DEVICE_MT_TRANSPORT        0x00000043
#define FILE_DEVICE_BIOMETRIC           0x00000044
#define FILE_DEVICE_PMI                 0x00000045
#define FILE_DEVICE_EHSTOR              0x00000046
#define FILE_DEVICE_DEVAPI              0x00000047
#define FILE_DEVICE_GPIO                0x00000048
#define FILE_DEVICE_USBEX               0x00000049
#define FILE_DEVICE_CONSOLE             0x00000050
#define FILE_DEVICE_NFP                 0x00000051
#define FILE_DEVICE_SYSENV              0x00000052
#define FILE_DEVICE_VIRTUAL_BLOCK       0x00000053
#define FILE_DEVICE_POINT_OF_SERVICE    0x00000054
#define FILE_DEVICE_STORAGE_REPLICATION 0x00000055
#define FILE_DEVICE_TRUST_ENV           0x00000056
#define FILE_DEVICE_UCM                 0x00000057
#define FILE_DEVICE_UCMTCPCI            0x00000058
#define FILE_DEVICE_PERSISTENT_MEMORY   0x00000059
#define FILE_DEVICE_NVDIMM              0x0000005a
#define FILE_DEVICE_HOLOGRAPHIC         0x0000005b
#define FILE_DEVICE_SDFXHCI             0x0000005c
#define FILE_DEVICE_UCMUCSI             0x0000005d

/* DEVICE_OBJECT.Characteristics. */
#define FILE_REMOVABLE_MEDIA                     0x00000001
#define FILE_READ_ONLY_DEVICE                    0x00000002
#define FILE_FLOPPY_DISKETTE                     0x00000004
#define FILE_WRITE_ONCE_MEDIA                    0x00000008
#define FILE_REMOTE_DEVICE                       0x00000010
#define FILE_DEVICE_IS_MOUNTED                   0x00000020
#define FILE_VIRTUAL_VOLUME                      0x00000040
#define FILE_AUTOGENERATED_DEVICE_NAME           0x00000080
#define FILE_DEVICE_SECURE_OPEN                  0x00000100
#define FILE_CHARACTERISTIC_PNP_DEVICE           0x00000800
#define FILE_CHARACTERISTIC_TS_DEVICE            0x00001000
#define FILE_CHARACTERISTIC_WEBDAV_DEVICE        0x00002000
#define FILE_CHARACTERISTIC_CSV                  0x00010000
#define FILE_DEVICE_ALLOW_APPCONTAINER_TRAVERSAL 0x00020000
#define FILE_PORTABLE_DEVICE                     0x00040000
#define FILE_REMOTE_DEVICE_VSMB                  0x00080000
#define FILE_DEVICE_REQUIRE_SECURITY_CHECK       0x00100000

/* IOCTL codes: | DeviceType:16 | Access:2 | Function:12 | Method:2 | */
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#define DEVICE_TYPE_FROM_CTL_CODE(ctrlCode) (((ULONG)((ctrlCode) & 0xffff0000)) >> 16)
#define METHOD_FROM_CTL_CODE(ctrlCode) ((ULONG)((ctrlCode) & 3))
#define IoGetFunctionCodeFromCtlCode(ControlCode) (((ControlCode) >> 2) & 0x00000FFF)

#define METHOD_BUFFERED   0
#define METHOD_IN_DIRECT  1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER    3
#define METHOD_DIRECT_TO_HARDWARE   METHOD_IN_DIRECT
#define METHOD_DIRECT_FROM_HARDWARE METHOD_OUT_DIRECT

#define FILE_ANY_ACCESS     0
#define FILE_SPECIAL_ACCESS (FILE_ANY_ACCESS)
#define FILE_READ_ACCESS    (0x0001)
#define FILE_WRITE_ACCESS   (0x0002)

/* ------------------------------------------------------------------ */
/* Object type codes (the CSHORT Type at the head of io objects)      */
/* ------------------------------------------------------------------ */

#define IO_TYPE_ADAPTER                 1
#define IO_TYPE_CONTROLLER              2
#define IO_TYPE_DEVICE                  3
#define IO_TYPE_DRIVER                  4
#define IO_TYPE_FILE                    5
#define IO_TYPE_IRP                     6
#define IO_TYPE_MASTER_ADAPTER          7
#define IO_TYPE_OPEN_PACKET             8
#define IO_TYPE_TIMER                   9
#define IO_TYPE_VPB                     10
#define IO_TYPE_ERROR_LOG               11
#define IO_TYPE_ERROR_MESSAGE           12
#define IO_TYPE_DEVICE_OBJECT_EXTENSION 13

/* ------------------------------------------------------------------ */
/* Major and minor functions                                            */
/* ------------------------------------------------------------------ */

#define IRP_MJ_CREATE                   0x00
#define IRP_MJ_CREATE_NAMED_PIPE        0x01
#define IRP_MJ_CLOSE                    0x02
#define IRP_MJ_READ                     0x03
#define IRP_MJ_WRITE                    0x04
#define IRP_MJ_QUERY_INFORMATION        0x05
#define IRP_MJ_SET_INFORMATION          0x06
#define IRP_MJ_QUERY_EA                 0x07
#define IRP_MJ_SET_EA                   0x08
#define IRP_MJ_FLUSH_BUFFERS            0x09
#define IRP_MJ_QUERY_VOLUME_INFORMATION 0x0a
#define IRP_MJ_SET_VOLUME_INFORMATION   0x0b
#define IRP_MJ_DIRECTORY_CONTROL        0x0c
#define IRP_MJ_FILE_SYSTEM_CONTROL      0x0d
#define IRP_MJ_DEVICE_CONTROL           0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL  0x0f
#define IRP_MJ_SHUTDOWN                 0x10
#define IRP_MJ_LOCK_CONTROL             0x11
#define IRP_MJ_CLEANUP                  0x12
#define IRP_MJ_CREATE_MAILSLOT          0x13
#define IRP_MJ_QUERY_SECURITY           0x14
#define IRP_MJ_SET_SECURITY             0x15
#define IRP_MJ_POWER                    0x16
#define IRP_MJ_SYSTEM_CONTROL           0x17
#define IRP_MJ_DEVICE_CHANGE            0x18
#define IRP_MJ_QUERY_QUOTA              0x19
#define IRP_MJ_SET_QUOTA                0x1a
#define IRP_MJ_PNP                      0x1b
#define IRP_MJ_PNP_POWER                IRP_MJ_PNP
#define IRP_MJ_MAXIMUM_FUNCTION         0x1b
#define IRP_MJ_SCSI                     IRP_MJ_INTERNAL_DEVICE_CONTROL

/* IRP_MJ_PNP */
#define IRP_MN_START_DEVICE                 0x00
#define IRP_MN_QUERY_REMOVE_DEVICE          0x01
#define IRP_MN_REMOVE_DEVICE                0x02
#define IRP_MN_CANCEL_REMOVE_DEVICE         0x03
#define IRP_MN_STOP_DEVICE                  0x04
#define IRP_MN_QUERY_STOP_DEVICE            0x05
#define IRP_MN_CANCEL_STOP_DEVICE           0x06
#define IRP_MN_QUERY_DEVICE_RELATIONS       0x07
#define IRP_MN_QUERY_INTERFACE              0x08
#define IRP_MN_QUERY_CAPABILITIES           0x09
#define IRP_MN_QUERY_RESOURCES              0x0A
#define IRP_MN_QUERY_RESOURCE_REQUIREMENTS  0x0B
#define IRP_MN_QUERY_DEVICE_TEXT            0x0C
#define IRP_MN_FILTER_RESOURCE_REQUIREMENTS 0x0D
#define IRP_MN_READ_CONFIG                  0x0F
#define IRP_MN_WRITE_CONFIG                 0x10
#define IRP_MN_EJECT                        0x11
#define IRP_MN_SET_LOCK                     0x12
#define IRP_MN_QUERY_ID                     0x13
#define IRP_MN_QUERY_PNP_DEVICE_STATE       0x14
#define IRP_MN_QUERY_BUS_INFORMATION        0x15
#define IRP_MN_DEVICE_USAGE_NOTIFICATION    0x16
#define IRP_MN_SURPRISE_REMOVAL             0x17
#define IRP_MN_QUERY_LEGACY_BUS_INFORMATION 0x18
#define IRP_MN_DEVICE_ENUMERATED            0x19

/* IRP_MJ_POWER */
#define IRP_MN_WAIT_WAKE      0x00
#define IRP_MN_POWER_SEQUENCE 0x01
#define IRP_MN_SET_POWER      0x02
#define IRP_MN_QUERY_POWER    0x03

/* IRP_MJ_SYSTEM_CONTROL (WMI) */
#define IRP_MN_QUERY_ALL_DATA        0x00
#define IRP_MN_QUERY_SINGLE_INSTANCE 0x01
#define IRP_MN_CHANGE_SINGLE_INSTANCE 0x02
#define IRP_MN_CHANGE_SINGLE_ITEM    0x03
#define IRP_MN_ENABLE_EVENTS         0x04
#define IRP_MN_DISABLE_EVENTS        0x05
#define IRP_MN_ENABLE_COLLECTION     0x06
#define IRP_MN_DISABLE_COLLECTION    0x07
#define IRP_MN_REGINFO               0x08
#define IRP_MN_EXECUTE_METHOD        0x09
#define IRP_MN_REGINFO_EX            0x0b

/* IRP_MJ_INTERNAL_DEVICE_CONTROL / SCSI */
#define IRP_MN_SCSI_CLASS 0x01

/* IRP_MJ_DIRECTORY_CONTROL */
#define IRP_MN_QUERY_DIRECTORY         0x01
#define IRP_MN_NOTIFY_CHANGE_DIRECTORY 0x02

/* IRP_MJ_FILE_SYSTEM_CONTROL */
#define IRP_MN_USER_FS_REQUEST  0x00
#define IRP_MN_MOUNT_VOLUME     0x01
#define IRP_MN_VERIFY_VOLUME    0x02
#define IRP_MN_LOAD_FILE_SYSTEM 0x03
#define IRP_MN_TRACK_LINK       0x04
#define IRP_MN_KERNEL_CALL      0x04

/* IRP_MJ_LOCK_CONTROL */
#define IRP_MN_LOCK               0x01
#define IRP_MN_UNLOCK_SINGLE      0x02
#define IRP_MN_UNLOCK_ALL         0x03
#define IRP_MN_UNLOCK_ALL_BY_KEY  0x04

/* IRP_MJ_READ / IRP_MJ_WRITE */
#define IRP_MN_NORMAL           0x00
#define IRP_MN_DPC              0x01
#define IRP_MN_MDL              0x02
#define IRP_MN_COMPLETE         0x04
#define IRP_MN_COMPRESSED       0x08
#define IRP_MN_MDL_DPC          (IRP_MN_MDL | IRP_MN_DPC)
#define IRP_MN_COMPLETE_MDL     (IRP_MN_COMPLETE | IRP_MN_MDL)
#define IRP_MN_COMPLETE_MDL_DPC (IRP_MN_COMPLETE_MDL | IRP_MN_DPC)

/* ------------------------------------------------------------------ */
/* Stack location flags                                                */
/* ------------------------------------------------------------------ */

/* IO_STACK_LOCATION.Control */
#define SL_PENDING_RETURNED  0x01
#define SL_ERROR_RETURNED    0x02
#define SL_INVOKE_ON_CANCEL  0x20
#define SL_INVOKE_ON_SUCCESS 0x40
#define SL_INVOKE_ON_ERROR   0x80

/* IO_STACK_LOCATION.Flags, by major function. */
/* create / create named pipe */
#define SL_FORCE_ACCESS_CHECK        0x01
#define SL_OPEN_PAGING_FILE          0x02
#define SL_OPEN_TARGET_DIRECTORY     0x04
#define SL_STOP_ON_SYMLINK           0x08
#define SL_IGNORE_READONLY_ATTRIBUTE 0x40
#define SL_CASE_SENSITIVE            0x80
/* read / write */
#define SL_KEY_SPECIFIED             0x01
#define SL_OVERRIDE_VERIFY_VOLUME    0x02
#define SL_WRITE_THROUGH             0x04
#define SL_FT_SEQUENTIAL_WRITE       0x08
#define SL_FORCE_DIRECT_WRITE        0x10
#define SL_REALTIME_STREAM           0x20
#define SL_PERSISTENT_MEMORY_FIXED_MAPPING 0x20
#define SL_BYPASS_IO                 0x40
/* device I/O control: access checked against the IOCTL's access bits */
#define SL_READ_ACCESS_GRANTED       0x01
#define SL_WRITE_ACCESS_GRANTED      0x04
/* lock control */
#define SL_FAIL_IMMEDIATELY          0x01
#define SL_EXCLUSIVE_LOCK            0x02
/* query directory */
#define SL_RESTART_SCAN              0x01
#define SL_RETURN_SINGLE_ENTRY       0x02
#define SL_INDEX_SPECIFIED           0x04
#define SL_RETURN_ON_DISK_ENTRIES_ONLY 0x08
#define SL_NO_CURSOR_UPDATE          0x10
/* notify directory */
#define SL_WATCH_TREE                0x01
/* file system control */
#define SL_ALLOW_RAW_MOUNT           0x01
/* set information */
#define SL_BYPASS_ACCESS_CHECK       0x01

/* ------------------------------------------------------------------ */
/* IRP flags                                                            */
/* ------------------------------------------------------------------ */

/* IRP.Flags */
#define IRP_NOCACHE                0x00000001
#define IRP_PAGING_IO              0x00000002
#define IRP_MOUNT_COMPLETION       0x00000002
#define IRP_SYNCHRONOUS_API        0x00000004
#define IRP_ASSOCIATED_IRP         0x00000008
#define IRP_BUFFERED_IO            0x00000010
#define IRP_DEALLOCATE_BUFFER      0x00000020
#define IRP_INPUT_OPERATION        0x00000040
#define IRP_SYNCHRONOUS_PAGING_IO  0x00000040
#define IRP_CREATE_OPERATION       0x00000080
#define IRP_READ_OPERATION         0x00000100
#define IRP_WRITE_OPERATION        0x00000200
#define IRP_CLOSE_OPERATION        0x00000400
#define IRP_DEFER_IO_COMPLETION    0x00000800
#define IRP_OB_QUERY_NAME          0x00001000
#define IRP_HOLD_DEVICE_QUEUE      0x00002000
#define IRP_UM_DRIVER_INITIATED_IO 0x00400000

/* IRP.AllocationFlags */
#define IRP_QUOTA_CHARGED          0x01
#define IRP_ALLOCATED_MUST_SUCCEED 0x02
#define IRP_ALLOCATED_FIXED_SIZE   0x04
#define IRP_LOOKASIDE_ALLOCATION   0x08

/* ------------------------------------------------------------------ */
/* Device object flags (DEVICE_OBJECT.Flags)                           */
/* ------------------------------------------------------------------ */

#define DO_VERIFY_VOLUME                 0x00000002
#define DO_BUFFERED_IO                   0x00000004
#define DO_EXCLUSIVE                     0x00000008
#define DO_DIRECT_IO                     0x00000010
#define DO_MAP_IO_BUFFER                 0x00000020
#define DO_DEVICE_HAS_NAME               0x00000040
#define DO_DEVICE_INITIALIZING           0x00000080
#define DO_SHUTDOWN_REGISTERED           0x00000800
#define DO_BUS_ENUMERATED_DEVICE         0x00001000
#define DO_POWER_PAGABLE                 0x00002000
#define DO_POWER_INRUSH                  0x00004000
#define DO_LOW_PRIORITY_FILESYSTEM       0x00010000
#define DO_SUPPORTS_PERSISTENT_ACLS      0x00020000
#define DO_SUPPORTS_TRANSACTIONS         0x00040000
#define DO_FORCE_NEITHER_IO              0x00080000
#define DO_VOLUME_DEVICE_OBJECT          0x00100000
#define DO_SYSTEM_SYSTEM_PARTITION       0x00200000
#define DO_SYSTEM_CRITICAL_PARTITION     0x00400000
#define DO_DISALLOW_EXECUTE              0x00800000
#define DO_DEVICE_TO_BE_RESET            0x04000000
#define DO_DEVICE_IRP_REQUIRES_EXTENSION 0x08000000
#define DO_DAX_VOLUME                    0x10000000
#define DO_BOOT_CRITICAL                 0x20000000

/* DRIVER_OBJECT.Flags */
#define DRVO_UNLOAD_INVOKED      0x00000001
#define DRVO_LEGACY_DRIVER       0x00000002
#define DRVO_BUILTIN_DRIVER      0x00000004
#define DRVO_REINIT_REGISTERED   0x00000008
#define DRVO_INITIALIZED         0x00000010
#define DRVO_BOOTREINIT_REGISTERED 0x00000020
#define DRVO_LEGACY_RESOURCES    0x00000040

/* FILE_OBJECT.Flags */
#define FO_FILE_OPEN                 0x00000001
#define FO_SYNCHRONOUS_IO            0x00000002
#define FO_ALERTABLE_IO              0x00000004
#define FO_NO_INTERMEDIATE_BUFFERING 0x00000008
#define FO_WRITE_THROUGH             0x00000010
#define FO_SEQUENTIAL_ONLY           0x00000020
#define FO_CACHE_SUPPORTED           0x00000040
#define FO_NAMED_PIPE                0x00000080
#define FO_STREAM_FILE               0x00000100
#define FO_MAILSLOT                  0x00000200
#define FO_GENERATE_AUDIT_ON_CLOSE   0x00000400
#define FO_QUEUE_IRP_TO_THREAD       FO_GENERATE_AUDIT_ON_CLOSE
#define FO_DIRECT_DEVICE_OPEN        0x00000800
#define FO_FILE_MODIFIED             0x00001000
#define FO_FILE_SIZE_CHANGED         0x00002000
#define FO_CLEANUP_COMPLETE          0x00004000
#define FO_TEMPORARY_FILE            0x00008000
#define FO_DELETE_ON_CLOSE           0x00010000
#define FO_OPENED_CASE_SENSITIVE     0x00020000
#define FO_HANDLE_CREATED            0x00040000
#define FO_FILE_FAST_IO_READ         0x00080000
#define FO_RANDOM_ACCESS             0x00100000
#define FO_FILE_OPEN_CANCELLED       0x00200000
#define FO_VOLUME_OPEN               0x00400000
#define FO_BYPASS_IO_ENABLED         0x00800000
#define FO_REMOTE_ORIGIN             0x01000000
#define FO_DISALLOW_EXCLUSIVE        0x02000000
#define FO_SKIP_COMPLETION_PORT      FO_DISALLOW_EXCLUSIVE
#define FO_SKIP_SET_EVENT            0x04000000
#define FO_SKIP_SET_FAST_IO          0x08000000
#define FO_INDIRECT_WAIT_OBJECT      0x10000000
#define FO_SECTION_MINSTORE_TREATMENT 0x20000000

/* VPB.Flags */
#define VPB_MOUNTED           0x00000001
#define VPB_LOCKED            0x00000002
#define VPB_PERSISTENT        0x00000004
#define VPB_REMOVE_PENDING    0x00000008
#define VPB_RAW_MOUNT         0x00000010
#define VPB_DIRECT_WRITES_ALLOWED 0x00000020

#define MAXIMUM_VOLUME_LABEL_LENGTH (32 * sizeof(WCHAR))

/* ------------------------------------------------------------------ */
/* Priority boosts given to a waiter when its I/O completes            */
/* ------------------------------------------------------------------ */

#define IO_NO_INCREMENT         0
#define IO_CD_ROM_INCREMENT     1
#define IO_DISK_INCREMENT       1
#define IO_KEYBOARD_INCREMENT   6
#define IO_MAILSLOT_INCREMENT   2
#define IO_MOUSE_INCREMENT      6
#define IO_NAMED_PIPE_INCREMENT 2
#define IO_NETWORK_INCREMENT    2
#define IO_PARALLEL_INCREMENT   1
#define IO_SERIAL_INCREMENT     2
#define IO_SOUND_INCREMENT      8
#define IO_VIDEO_INCREMENT      1
#ifndef EVENT_INCREMENT
#define EVENT_INCREMENT         1
#endif
#ifndef SEMAPHORE_INCREMENT
#define SEMAPHORE_INCREMENT     1
#endif

/* STATUS_CONTINUE_COMPLETION: what a completion routine returns to let
 * completion go on (it is STATUS_SUCCESS). */
#define STATUS_CONTINUE_COMPLETION STATUS_SUCCESS

/* ------------------------------------------------------------------ */
/* Power                                                                */
/* ------------------------------------------------------------------ */

typedef enum _SYSTEM_POWER_STATE {
    PowerSystemUnspecified = 0,
    PowerSystemWorking = 1,
    PowerSystemSleeping1 = 2,
    PowerSystemSleeping2 = 3,
    PowerSystemSleeping3 = 4,
    PowerSystemHibernate = 5,
    PowerSystemShutdown = 6,
    PowerSystemMaximum = 7
} SYSTEM_POWER_STATE, *PSYSTEM_POWER_STATE;
#define POWER_SYSTEM_MAXIMUM 7

typedef enum _DEVICE_POWER_STATE {
    PowerDeviceUnspecified = 0,
    PowerDeviceD0,
    PowerDeviceD1,
    PowerDeviceD2,
    PowerDeviceD3,
    PowerDeviceMaximum
} DEVICE_POWER_STATE, *PDEVICE_POWER_STATE;

typedef union _POWER_STATE {
    SYSTEM_POWER_STATE SystemState;
    DEVICE_POWER_STATE DeviceState;
} POWER_STATE, *PPOWER_STATE;

typedef enum _POWER_STATE_TYPE {
    SystemPowerState = 0,
    DevicePowerState
} POWER_STATE_TYPE, *PPOWER_STATE_TYPE;

typedef enum _POWER_ACTION {
    PowerActionNone = 0,
    PowerActionReserved,
    PowerActionSleep,
    PowerActionHibernate,
    PowerActionShutdown,
    PowerActionShutdownReset,
    PowerActionShutdownOff,
    PowerActionWarmEject,
    PowerActionDisplayOff
} POWER_ACTION, *PPOWER_ACTION;

typedef struct _SYSTEM_POWER_STATE_CONTEXT {
    union {
        struct {
            ULONG Reserved1 : 8;
            ULONG TargetSystemState : 4;
            ULONG EffectiveSystemState : 4;
            ULONG CurrentSystemState : 4;
            ULONG IgnoreHibernationPath : 1;
            ULONG PseudoTransition : 1;
            ULONG KernelSoftReboot : 1;
            ULONG DirectedDripsTransition : 1;
            ULONG Reserved2 : 8;
        };
        ULONG ContextAsUlong;
    };
} SYSTEM_POWER_STATE_CONTEXT, *PSYSTEM_POWER_STATE_CONTEXT;

typedef struct _POWER_SEQUENCE {
    ULONG SequenceD1;
    ULONG SequenceD2;
    ULONG SequenceD3;
} POWER_SEQUENCE, *PPOWER_SEQUENCE;

/* ------------------------------------------------------------------ */
/* PnP parameter types                                                  */
/* ------------------------------------------------------------------ */

/* What IoGetDeviceProperty (and the WDF property DDIs) can be asked for. */
typedef enum _DEVICE_REGISTRY_PROPERTY {
    DevicePropertyDeviceDescription = 0,
    DevicePropertyHardwareID,
    DevicePropertyCompatibleIDs,
    DevicePropertyBootConfiguration,
    DevicePropertyBootConfigurationTranslated,
    DevicePropertyClassName,
    DevicePropertyClassGuid,
    DevicePropertyDriverKeyName,
    DevicePropertyManufacturer,
    DevicePropertyFriendlyName,
    DevicePropertyLocationInformation,
    DevicePropertyPhysicalDeviceObjectName,
    DevicePropertyBusTypeGuid,
    DevicePropertyLegacyBusType,
    DevicePropertyBusNumber,
    DevicePropertyEnumeratorName,
    DevicePropertyAddress,
    DevicePropertyUINumber,
    DevicePropertyInstallState,
    DevicePropertyRemovalPolicy,
    DevicePropertyResourceRequirements,
    DevicePropertyAllocatedResources,
    DevicePropertyContainerID,
} DEVICE_REGISTRY_PROPERTY;

typedef enum _DEVICE_RELATION_TYPE {
    BusRelations,
    EjectionRelations,
    PowerRelations,
    RemovalRelations,
    TargetDeviceRelation,
    SingleBusRelations,
    TransportRelations
} DEVICE_RELATION_TYPE, *PDEVICE_RELATION_TYPE;

typedef struct _DEVICE_RELATIONS {
    ULONG Count;
    PDEVICE_OBJECT Objects[1];   /* Count entries; allocated from paged pool */
} DEVICE_RELATIONS, *PDEVICE_RELATIONS;

typedef enum _BUS_QUERY_ID_TYPE {
    BusQueryDeviceID = 0,
    BusQueryHardwareIDs = 1,
    BusQueryCompatibleIDs = 2,
    BusQueryInstanceID = 3,
    BusQueryDeviceSerialNumber = 4,
    BusQueryContainerID = 5
} BUS_QUERY_ID_TYPE, *PBUS_QUERY_ID_TYPE;

typedef enum _DEVICE_TEXT_TYPE {
    DeviceTextDescription = 0,
    DeviceTextLocationInformation = 1
} DEVICE_TEXT_TYPE, *PDEVICE_TEXT_TYPE;

typedef enum _DEVICE_USAGE_NOTIFICATION_TYPE {
    DeviceUsageTypeUndefined,
    DeviceUsageTypePaging,
    DeviceUsageTypeHibernation,
    DeviceUsageTypeDumpFile,
    DeviceUsageTypeBoot,
    DeviceUsageTypePostDisplay,
    DeviceUsageTypeGuestAssigned
} DEVICE_USAGE_NOTIFICATION_TYPE;

typedef ULONG PNP_DEVICE_STATE, *PPNP_DEVICE_STATE;
#define PNP_DEVICE_DISABLED                      0x00000001
#define PNP_DEVICE_DONT_DISPLAY_IN_UI            0x00000002
#define PNP_DEVICE_FAILED                        0x00000004
#define PNP_DEVICE_REMOVED                       0x00000008
#define PNP_DEVICE_RESOURCE_REQUIREMENTS_CHANGED 0x00000010
#define PNP_DEVICE_NOT_DISABLEABLE               0x00000020
#define PNP_DEVICE_DISCONNECTED                  0x00000040

typedef struct _DEVICE_CAPABILITIES {
    USHORT Size;
    USHORT Version;
    ULONG DeviceD1 : 1;
    ULONG DeviceD2 : 1;
    ULONG LockSupported : 1;
    ULONG EjectSupported : 1;
    ULONG Removable : 1;
    ULONG DockDevice : 1;
    ULONG UniqueID : 1;
    ULONG SilentInstall : 1;
    ULONG RawDeviceOK : 1;
    ULONG SurpriseRemovalOK : 1;
    ULONG WakeFromD0 : 1;
    ULONG WakeFromD1 : 1;
    ULONG WakeFromD2 : 1;
    ULONG WakeFromD3 : 1;
    ULONG HardwareDisabled : 1;
    ULONG NonDynamic : 1;
    ULONG WarmEjectSupported : 1;
    ULONG NoDisplayInUI : 1;
    ULONG Reserved1 : 1;
    ULONG WakeFromInterrupt : 1;
    ULONG SecureDevice : 1;
    ULONG ChildOfVgaEnabledBridge : 1;
    ULONG DecodeIoOnBoot : 1;
    ULONG Reserved : 9;
    ULONG Address;
    ULONG UINumber;
    DEVICE_POWER_STATE DeviceState[POWER_SYSTEM_MAXIMUM];
    SYSTEM_POWER_STATE SystemWake;
    DEVICE_POWER_STATE DeviceWake;
    ULONG D1Latency;
    ULONG D2Latency;
    ULONG D3Latency;
} DEVICE_CAPABILITIES, *PDEVICE_CAPABILITIES;

typedef void NTAPI INTERFACE_REFERENCE(PVOID Context);
typedef INTERFACE_REFERENCE *PINTERFACE_REFERENCE;
typedef void NTAPI INTERFACE_DEREFERENCE(PVOID Context);
typedef INTERFACE_DEREFERENCE *PINTERFACE_DEREFERENCE;

typedef struct _INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    /* interface-specific entries follow */
} INTERFACE, *PINTERFACE;

/* ------------------------------------------------------------------ */
/* File information classes (the parameters of query/set information) */
/* ------------------------------------------------------------------ */

typedef enum _FILE_INFORMATION_CLASS {
    FileDirectoryInformation = 1,
    FileFullDirectoryInformation,
    FileBothDirectoryInformation,
    FileBasicInformation,
    FileStandardInformation,
    FileInternalInformation,
    FileEaInformation,
    FileAccessInformation,
    FileNameInformation,
    FileRenameInformation,
    FileLinkInformation,
    FileNamesInformation,
    FileDispositionInformation,
    FilePositionInformation,
    FileFullEaInformation,
    FileModeInformation,
    FileAlignmentInformation,
    FileAllInformation,
    FileAllocationInformation,
    FileEndOfFileInformation,
    FileAlternateNameInformation,
    FileStreamInformation,
    FilePipeInformation,
    FilePipeLocalInformation,
    FilePipeRemoteInformation,
    FileMailslotQueryInformation,
    FileMailslotSetInformation,
    FileCompressionInformation,
    FileObjectIdInformation,
    FileCompletionInformation,
    FileMoveClusterInformation,
    FileQuotaInformation,
    FileReparsePointInformation,
    FileNetworkOpenInformation,
    FileAttributeTagInformation,
    FileTrackingInformation,
    FileIdBothDirectoryInformation,
    FileIdFullDirectoryInformation,
    FileValidDataLengthInformation,
    FileShortNameInformation,
    FileIoCompletionNotificationInformation,
    FileIoStatusBlockRangeInformation,
    FileIoPriorityHintInformation,
    FileSfioReserveInformation,
    FileSfioVolumeInformation,
    FileHardLinkInformation,
    FileProcessIdsUsingFileInformation,
    FileNormalizedNameInformation,
    FileNetworkPhysicalNameInformation,
    FileIdGlobalTxDirectoryInformation,
    FileIsRemoteDeviceInformation,
    FileUnusedInformation,
    FileNumaNodeInformation,
    FileStandardLinkInformation,
    FileRemoteProtocolInformation,
    FileRenameInformationBypassAccessCheck,
    FileLinkInformationBypassAccessCheck,
    FileVolumeNameInformation,
    FileIdInformation,
    FileIdExtdDirectoryInformation,
    FileReplaceCompletionInformation,
    FileHardLinkFullIdInformation,
    FileIdExtdBothDirectoryInformation,
    FileDispositionInformationEx,
    FileRenameInformationEx
} FILE_INFORMATION_CLASS, *PFILE_INFORMATION_CLASS;

typedef enum _FSINFOCLASS {
    FileFsVolumeInformation = 1,
    FileFsLabelInformation,
    FileFsSizeInformation,
    FileFsDeviceInformation,
    FileFsAttributeInformation,
    FileFsControlInformation,
    FileFsFullSizeInformation,
    FileFsObjectIdInformation,
    FileFsDriverPathInformation,
    FileFsVolumeFlagsInformation,
    FileFsSectorSizeInformation,
    FileFsDataCopyInformation,
    FileFsMetadataSizeInformation,
    FileFsFullSizeInformationEx,
    FileFsGuidInformation,
    FileFsMaximumInformation
} FS_INFORMATION_CLASS, *PFS_INFORMATION_CLASS;

typedef struct _FILE_BASIC_INFORMATION {
    LARGE_INTEGER CreationTime;
    LARGE_INTEGER LastAccessTime;
    LARGE_INTEGER LastWriteTime;
    LARGE_INTEGER ChangeTime;
    ULONG FileAttributes;
} FILE_BASIC_INFORMATION, *PFILE_BASIC_INFORMATION;

typedef struct _FILE_STANDARD_INFORMATION {
    LARGE_INTEGER AllocationSize;
    LARGE_INTEGER EndOfFile;
    ULONG NumberOfLinks;
    BOOLEAN DeletePending;
    BOOLEAN Directory;
} FILE_STANDARD_INFORMATION, *PFILE_STANDARD_INFORMATION;

typedef struct _FILE_POSITION_INFORMATION {
    LARGE_INTEGER CurrentByteOffset;
} FILE_POSITION_INFORMATION, *PFILE_POSITION_INFORMATION;

typedef struct _FILE_END_OF_FILE_INFORMATION {
    LARGE_INTEGER EndOfFile;
} FILE_END_OF_FILE_INFORMATION, *PFILE_END_OF_FILE_INFORMATION;

typedef struct _FILE_ALIGNMENT_INFORMATION {
    ULONG AlignmentRequirement;
} FILE_ALIGNMENT_INFORMATION, *PFILE_ALIGNMENT_INFORMATION;

typedef struct _FILE_FS_DEVICE_INFORMATION {
    DEVICE_TYPE DeviceType;
    ULONG Characteristics;
} FILE_FS_DEVICE_INFORMATION, *PFILE_FS_DEVICE_INFORMATION;

/* DEVICE_OBJECT.AlignmentRequirement */
#define FILE_BYTE_ALIGNMENT     0x00000000
#define FILE_WORD_ALIGNMENT     0x00000001
#define FILE_LONG_ALIGNMENT     0x00000003
#define FILE_QUAD_ALIGNMENT     0x00000007
#define FILE_OCTA_ALIGNMENT     0x0000000f
#define FILE_32_BYTE_ALIGNMENT  0x0000001f
#define FILE_64_BYTE_ALIGNMENT  0x0000003f
#define FILE_128_BYTE_ALIGNMENT 0x0000007f
#define FILE_256_BYTE_ALIGNMENT 0x000000ff
#define FILE_512_BYTE_ALIGNMENT 0x000001ff

/* ------------------------------------------------------------------ */
/* I/O status, MDL                                                      */
/* ------------------------------------------------------------------ */

typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef void NTAPI IO_APC_ROUTINE(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
                                  ULONG Reserved);
typedef IO_APC_ROUTINE *PIO_APC_ROUTINE;

/*
 * A memory descriptor list: ByteCount bytes starting ByteOffset bytes into
 * the page at StartVa, followed in memory by one PFN_NUMBER per page
 * spanned. OpenDDK has no physical memory of its own: a "page frame
 * number" is the virtual page number of the described page (address >>
 * PAGE_SHIFT), and the system address of locked pages is the caller's
 * own address (everything lives in one address space).
 */
typedef struct _MDL {
    struct _MDL *Next;
    CSHORT Size;            /* bytes: the header plus the PFN array */
    CSHORT MdlFlags;
    struct _EPROCESS *Process;
    PVOID MappedSystemVa;
    PVOID StartVa;          /* page-aligned */
    ULONG ByteCount;
    ULONG ByteOffset;
} MDL;

#define MDL_MAPPED_TO_SYSTEM_VA     0x0001
#define MDL_PAGES_LOCKED            0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE    0x0008
#define MDL_PARTIAL                 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ            0x0040
#define MDL_WRITE_OPERATION         0x0080
#define MDL_LOCKED_PAGE_TABLES      0x0100
#define MDL_PARENT_MAPPED_SYSTEM_VA MDL_LOCKED_PAGE_TABLES
#define MDL_FREE_EXTRA_PTES         0x0200
#define MDL_DESCRIBES_AWE           0x0400
#define MDL_IO_SPACE                0x0800
#define MDL_NETWORK_HEADER          0x1000
#define MDL_MAPPING_CAN_FAIL        0x2000
#define MDL_PAGE_CONTENTS_INVARIANT 0x4000
#define MDL_ALLOCATED_MUST_SUCCEED  MDL_PAGE_CONTENTS_INVARIANT
#define MDL_INTERNAL                0x8000
#define MDL_MAPPING_FLAGS (MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED | \
        MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL_HAS_BEEN_MAPPED | \
        MDL_PARENT_MAPPED_SYSTEM_VA | MDL_IO_SPACE)

#ifndef PAGE_SIZE
#define PAGE_SIZE  0x1000
#define PAGE_SHIFT 12L
#endif

/* ------------------------------------------------------------------ */
/* Callback types                                                       */
/* ------------------------------------------------------------------ */

typedef struct _DRIVER_EXTENSION *PDRIVER_EXTENSION;

typedef NTSTATUS NTAPI DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject,
                                         PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;

typedef void NTAPI DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;

typedef NTSTATUS NTAPI DRIVER_ADD_DEVICE(struct _DRIVER_OBJECT *DriverObject,
                                         struct _DEVICE_OBJECT *PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;

typedef NTSTATUS NTAPI DRIVER_DISPATCH(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef DRIVER_DISPATCH DRIVER_DISPATCH_RAISED;
typedef DRIVER_DISPATCH DRIVER_DISPATCH_PAGED;

typedef void NTAPI DRIVER_STARTIO(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;

typedef void NTAPI DRIVER_CANCEL(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;

typedef void NTAPI DRIVER_REINITIALIZE(struct _DRIVER_OBJECT *DriverObject,
                                       PVOID Context, ULONG Count);
typedef DRIVER_REINITIALIZE *PDRIVER_REINITIALIZE;

typedef NTSTATUS NTAPI IO_COMPLETION_ROUTINE(struct _DEVICE_OBJECT *DeviceObject,
                                             struct _IRP *Irp, PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;

typedef enum _IO_ALLOCATION_ACTION {
    KeepObject = 1,
    DeallocateObject,
    DeallocateObjectKeepRegisters
} IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

typedef IO_ALLOCATION_ACTION NTAPI DRIVER_CONTROL(struct _DEVICE_OBJECT *DeviceObject,
                                                  struct _IRP *Irp, PVOID MapRegisterBase,
                                                  PVOID Context);
typedef DRIVER_CONTROL *PDRIVER_CONTROL;

typedef void NTAPI IO_TIMER_ROUTINE(struct _DEVICE_OBJECT *DeviceObject, PVOID Context);
typedef IO_TIMER_ROUTINE *PIO_TIMER_ROUTINE;

/* ------------------------------------------------------------------ */
/* Driver, device and file objects                                      */
/* ------------------------------------------------------------------ */

typedef struct _WAIT_CONTEXT_BLOCK {
    union {
        KDEVICE_QUEUE_ENTRY WaitQueueEntry;
        struct {
            LIST_ENTRY DmaWaitEntry;
            ULONG NumberOfChannels;
            ULONG SyncCallback : 1;
            ULONG DmaContext : 1;
            ULONG ZeroMapRegisters : 1;
            ULONG Reserved : 9;
            ULONG NumberOfRemapPages : 20;
        };
    };
    PDRIVER_CONTROL DeviceRoutine;
    PVOID DeviceContext;
    ULONG NumberOfMapRegisters;
    PVOID DeviceObject;
    PVOID CurrentIrp;
    PKDPC BufferChainingDpc;
} WAIT_CONTEXT_BLOCK, *PWAIT_CONTEXT_BLOCK;

typedef struct _VPB {
    CSHORT Type;
    CSHORT Size;
    USHORT Flags;
    USHORT VolumeLabelLength;     /* bytes */
    struct _DEVICE_OBJECT *DeviceObject;
    struct _DEVICE_OBJECT *RealDevice;
    ULONG SerialNumber;
    ULONG ReferenceCount;
    WCHAR VolumeLabel[MAXIMUM_VOLUME_LABEL_LENGTH / sizeof(WCHAR)];
} VPB;

/* The public head of the device object extension; the I/O manager keeps
 * its own fields after it (iodev). */
typedef struct _DEVOBJ_EXTENSION {
    CSHORT Type;
    USHORT Size;
    struct _DEVICE_OBJECT *DeviceObject;
} DEVOBJ_EXTENSION, *PDEVOBJ_EXTENSION;

typedef struct DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) _DEVICE_OBJECT {
    CSHORT Type;                       /* IO_TYPE_DEVICE */
    USHORT Size;                       /* this + the device extension */
    LONG ReferenceCount;
    struct _DRIVER_OBJECT *DriverObject;
    struct _DEVICE_OBJECT *NextDevice;     /* driver's device list */
    struct _DEVICE_OBJECT *AttachedDevice; /* next higher device in the stack */
    struct _IRP *CurrentIrp;
    PIO_TIMER Timer;
    ULONG Flags;                       /* DO_* */
    ULONG Characteristics;             /* FILE_* characteristics */
    volatile PVPB Vpb;
    PVOID DeviceExtension;
    DEVICE_TYPE DeviceType;
    CCHAR StackSize;                   /* IRP stack locations this stack needs */
    union {
        LIST_ENTRY ListEntry;
        WAIT_CONTEXT_BLOCK Wcb;
    } Queue;
    ULONG AlignmentRequirement;
    KDEVICE_QUEUE DeviceQueue;
    KDPC Dpc;
    ULONG ActiveThreadCount;
    PSECURITY_DESCRIPTOR SecurityDescriptor;
    KEVENT DeviceLock;
    USHORT SectorSize;
    USHORT Spare1;
    struct _DEVOBJ_EXTENSION *DeviceObjectExtension;
    PVOID Reserved;
} DEVICE_OBJECT;

typedef struct _DRIVER_EXTENSION {
    struct _DRIVER_OBJECT *DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;
    UNICODE_STRING ServiceKeyName;
    /* the I/O manager's private fields follow (iodev) */
} DRIVER_EXTENSION;

typedef struct _DRIVER_OBJECT {
    CSHORT Type;                       /* IO_TYPE_DRIVER */
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;       /* head of the driver's device list */
    ULONG Flags;                       /* DRVO_* */
    PVOID DriverStart;
    ULONG DriverSize;
    PVOID DriverSection;
    PDRIVER_EXTENSION DriverExtension;
    UNICODE_STRING DriverName;
    PUNICODE_STRING HardwareDatabase;
    PFAST_IO_DISPATCH FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PDRIVER_STARTIO DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT;

typedef struct _SECTION_OBJECT_POINTERS {
    PVOID DataSectionObject;
    PVOID SharedCacheMap;
    PVOID ImageSectionObject;
} SECTION_OBJECT_POINTERS, *PSECTION_OBJECT_POINTERS;

typedef struct _IO_COMPLETION_CONTEXT {
    PVOID Port;
    PVOID Key;
} IO_COMPLETION_CONTEXT, *PIO_COMPLETION_CONTEXT;

typedef struct _FILE_OBJECT {
    CSHORT Type;                       /* IO_TYPE_FILE */
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;       /* the device opened (bottom of what the name named) */
    PVPB Vpb;
    PVOID FsContext;                   /* the driver's, per open */
    PVOID FsContext2;                  /* the driver's, per open */
    PSECTION_OBJECT_POINTERS SectionObjectPointer;
    PVOID PrivateCacheMap;
    NTSTATUS FinalStatus;
    struct _FILE_OBJECT *RelatedFileObject;
    BOOLEAN LockOperation;
    BOOLEAN DeletePending;
    BOOLEAN ReadAccess;
    BOOLEAN WriteAccess;
    BOOLEAN DeleteAccess;
    BOOLEAN SharedRead;
    BOOLEAN SharedWrite;
    BOOLEAN SharedDelete;
    ULONG Flags;                       /* FO_* */
    UNICODE_STRING FileName;           /* the remainder after the device name */
    LARGE_INTEGER CurrentByteOffset;
    volatile ULONG Waiters;
    volatile ULONG Busy;
    PVOID LastLock;
    KEVENT Lock;
    KEVENT Event;
    volatile PIO_COMPLETION_CONTEXT CompletionContext;
    KSPIN_LOCK IrpListLock;
    LIST_ENTRY IrpList;
    volatile PVOID FileObjectExtension;
} FILE_OBJECT;

typedef struct _IO_SECURITY_CONTEXT {
    struct _SECURITY_QUALITY_OF_SERVICE *SecurityQos;
    struct _ACCESS_STATE *AccessState;
    ACCESS_MASK DesiredAccess;
    ULONG FullCreateOptions;
} IO_SECURITY_CONTEXT, *PIO_SECURITY_CONTEXT;

/* ------------------------------------------------------------------ */
/* The IRP                                                              */
/* ------------------------------------------------------------------ */

/*
 * An IRP is this header followed by StackCount IO_STACK_LOCATIONs. The
 * locations are used from the end backwards: the caller of IoCallDriver
 * fills IoGetNextIrpStackLocation(), IoCallDriver moves CurrentLocation
 * one down, completion walks back up. CurrentLocation == StackCount + 1
 * means "not sent to any driver" (no current location).
 */
typedef struct DECLSPEC_ALIGN(MEMORY_ALLOCATION_ALIGNMENT) _IRP {
    CSHORT Type;                       /* IO_TYPE_IRP */
    USHORT Size;                       /* IoSizeOfIrp(StackCount) */
    USHORT AllocationProcessorNumber;
    USHORT Reserved;
    PMDL MdlAddress;                   /* direct I/O: the caller's buffer */
    ULONG Flags;                       /* IRP_* */
    union {
        struct _IRP *MasterIrp;        /* associated IRP: its master */
        volatile LONG IrpCount;        /* master IRP: associated IRPs left */
        PVOID SystemBuffer;            /* buffered I/O */
    } AssociatedIrp;
    LIST_ENTRY ThreadListEntry;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    CCHAR ApcEnvironment;
    UCHAR AllocationFlags;             /* IRP_QUOTA_CHARGED, ... */
    union {
        PIO_STATUS_BLOCK UserIosb;
        PVOID IoRingContext;
    };
    PKEVENT UserEvent;
    union {
        struct {
            union {
                PIO_APC_ROUTINE UserApcRoutine;
                PVOID IssuingProcess;
            };
            union {
                PVOID UserApcContext;
                struct _IORING_OBJECT *IoRing;
            };
        } AsynchronousParameters;
        LARGE_INTEGER AllocationSize;
    } Overlay;
    volatile PDRIVER_CANCEL CancelRoutine;  /* exchanged atomically */
    PVOID UserBuffer;                  /* METHOD_NEITHER output / caller's buffer */
    union {
        struct {
            union {
                KDEVICE_QUEUE_ENTRY DeviceQueueEntry;
                struct {
                    PVOID DriverContext[4];  /* the current owner's scratch */
                };
            };
            PETHREAD Thread;
            PCHAR AuxiliaryBuffer;
            struct {
                LIST_ENTRY ListEntry;
                union {
                    struct _IO_STACK_LOCATION *CurrentStackLocation;
                    ULONG PacketType;
                };
            };
            struct _FILE_OBJECT *OriginalFileObject;
            PVOID IrpExtension;
        } Overlay;
        KAPC Apc;
        PVOID CompletionKey;
    } Tail;
} IRP;

typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR Flags;                       /* SL_* by major function */
    UCHAR Control;                     /* SL_PENDING_RETURNED, SL_INVOKE_ON_* */
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;             /* disposition << 24 | create options */
            USHORT POINTER_ALIGNMENT FileAttributes;
            USHORT ShareAccess;
            ULONG POINTER_ALIGNMENT EaLength;
        } Create;
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT Reserved;
            USHORT ShareAccess;
            struct _NAMED_PIPE_CREATE_PARAMETERS *Parameters;
        } CreatePipe;
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT POINTER_ALIGNMENT Reserved;
            USHORT ShareAccess;
            struct _MAILSLOT_CREATE_PARAMETERS *Parameters;
        } CreateMailslot;
        struct {
            ULONG Length;
            ULONG POINTER_ALIGNMENT Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Read;
        struct {
            ULONG Length;
            ULONG POINTER_ALIGNMENT Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Write;
        struct {
            ULONG Length;
            PUNICODE_STRING FileName;
            FILE_INFORMATION_CLASS FileInformationClass;
            ULONG POINTER_ALIGNMENT FileIndex;
        } QueryDirectory;
        struct {
            ULONG Length;
            ULONG POINTER_ALIGNMENT CompletionFilter;
        } NotifyDirectory;
        struct {
            ULONG Length;
            FILE_INFORMATION_CLASS POINTER_ALIGNMENT FileInformationClass;
        } QueryFile;
        struct {
            ULONG Length;
            FILE_INFORMATION_CLASS POINTER_ALIGNMENT FileInformationClass;
            PFILE_OBJECT FileObject;
            union {
                struct {
                    BOOLEAN ReplaceIfExists;
                    BOOLEAN AdvanceOnly;
                };
                ULONG ClusterCount;
                HANDLE DeleteHandle;
            };
        } SetFile;
        struct {
            ULONG Length;
            PVOID EaList;
            ULONG EaListLength;
            ULONG POINTER_ALIGNMENT EaIndex;
        } QueryEa;
        struct {
            ULONG Length;
        } SetEa;
        struct {
            ULONG Length;
            FS_INFORMATION_CLASS POINTER_ALIGNMENT FsInformationClass;
        } QueryVolume;
        struct {
            ULONG Length;
            FS_INFORMATION_CLASS POINTER_ALIGNMENT FsInformationClass;
        } SetVolume;
        struct {
            ULONG OutputBufferLength;
            ULONG POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT FsControlCode;
            PVOID Type3InputBuffer;
        } FileSystemControl;
        struct {
            PLARGE_INTEGER Length;
            ULONG POINTER_ALIGNMENT Key;
            LARGE_INTEGER ByteOffset;
        } LockControl;
        struct {
            ULONG OutputBufferLength;
            ULONG POINTER_ALIGNMENT InputBufferLength;
            ULONG POINTER_ALIGNMENT IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            SECURITY_INFORMATION SecurityInformation;
            ULONG POINTER_ALIGNMENT Length;
        } QuerySecurity;
        struct {
            SECURITY_INFORMATION SecurityInformation;
            PSECURITY_DESCRIPTOR SecurityDescriptor;
        } SetSecurity;
        struct {
            PVPB Vpb;
            PDEVICE_OBJECT DeviceObject;
        } MountVolume;
        struct {
            PVPB Vpb;
            PDEVICE_OBJECT DeviceObject;
        } VerifyVolume;
        struct {
            struct _SCSI_REQUEST_BLOCK *Srb;
        } Scsi;
        struct {
            ULONG Length;
            PSID StartSid;
            struct _FILE_GET_QUOTA_INFORMATION *SidList;
            ULONG SidListLength;
        } QueryQuota;
        struct {
            ULONG Length;
        } SetQuota;
        struct {
            DEVICE_RELATION_TYPE Type;
        } QueryDeviceRelations;
        struct {
            const GUID *InterfaceType;
            USHORT Size;
            USHORT Version;
            PINTERFACE Interface;
            PVOID InterfaceSpecificData;
        } QueryInterface;
        struct {
            PDEVICE_CAPABILITIES Capabilities;
        } DeviceCapabilities;
        struct {
            PIO_RESOURCE_REQUIREMENTS_LIST IoResourceRequirementList;
        } FilterResourceRequirements;
        struct {
            ULONG WhichSpace;
            PVOID Buffer;
            ULONG Offset;
            ULONG POINTER_ALIGNMENT Length;
        } ReadWriteConfig;
        struct {
            BOOLEAN Lock;
        } SetLock;
        struct {
            BUS_QUERY_ID_TYPE IdType;
        } QueryId;
        struct {
            DEVICE_TEXT_TYPE DeviceTextType;
            LCID POINTER_ALIGNMENT LocaleId;
        } QueryDeviceText;
        struct {
            BOOLEAN InPath;
            BOOLEAN Reserved[3];
            DEVICE_USAGE_NOTIFICATION_TYPE POINTER_ALIGNMENT Type;
        } UsageNotification;
        struct {
            SYSTEM_POWER_STATE PowerState;
        } WaitWake;
        struct {
            PPOWER_SEQUENCE PowerSequence;
        } PowerSequence;
        struct {
            union {
                ULONG SystemContext;
                SYSTEM_POWER_STATE_CONTEXT SystemPowerStateContext;
            };
            POWER_STATE_TYPE POINTER_ALIGNMENT Type;
            POWER_STATE POINTER_ALIGNMENT State;
            POWER_ACTION POINTER_ALIGNMENT ShutdownType;
        } Power;
        struct {
            PCM_RESOURCE_LIST AllocatedResources;
            PCM_RESOURCE_LIST AllocatedResourcesTranslated;
        } StartDevice;
        struct {
            ULONG_PTR ProviderId;
            PVOID DataPath;
            ULONG BufferSize;
            PVOID Buffer;
        } WMI;
        struct {
            PVOID Argument1;
            PVOID Argument2;
            PVOID Argument3;
            PVOID Argument4;
        } Others;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;       /* set by IoCallDriver */
    PFILE_OBJECT FileObject;
    PIO_COMPLETION_ROUTINE CompletionRoutine;  /* set by the driver above */
    PVOID Context;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

/* ------------------------------------------------------------------ */
/* Cancel-safe queues and remove locks                                  */
/* ------------------------------------------------------------------ */

#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ             2
#define IO_TYPE_CSQ_EX          3

typedef struct _IO_CSQ_IRP_CONTEXT {
    ULONG Type;
    struct _IRP *Irp;
    struct _IO_CSQ *Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;

typedef void NTAPI IO_CSQ_INSERT_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_INSERT_IRP *PIO_CSQ_INSERT_IRP;
typedef NTSTATUS NTAPI IO_CSQ_INSERT_IRP_EX(struct _IO_CSQ *Csq, PIRP Irp, PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;
typedef void NTAPI IO_CSQ_REMOVE_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_REMOVE_IRP *PIO_CSQ_REMOVE_IRP;
typedef PIRP NTAPI IO_CSQ_PEEK_NEXT_IRP(struct _IO_CSQ *Csq, PIRP Irp, PVOID PeekContext);
typedef IO_CSQ_PEEK_NEXT_IRP *PIO_CSQ_PEEK_NEXT_IRP;
typedef void NTAPI IO_CSQ_ACQUIRE_LOCK(struct _IO_CSQ *Csq, PKIRQL Irql);
typedef IO_CSQ_ACQUIRE_LOCK *PIO_CSQ_ACQUIRE_LOCK;
typedef void NTAPI IO_CSQ_RELEASE_LOCK(struct _IO_CSQ *Csq, KIRQL Irql);
typedef IO_CSQ_RELEASE_LOCK *PIO_CSQ_RELEASE_LOCK;
typedef void NTAPI IO_CSQ_COMPLETE_CANCELED_IRP(struct _IO_CSQ *Csq, PIRP Irp);
typedef IO_CSQ_COMPLETE_CANCELED_IRP *PIO_CSQ_COMPLETE_CANCELED_IRP;

/* The queue's callbacks; the driver embeds this in its device extension.
 * CsqInsertIrp holds PIO_CSQ_INSERT_IRP_EX when Type is IO_TYPE_CSQ_EX. */
typedef struct _IO_CSQ {
    ULONG Type;
    PIO_CSQ_INSERT_IRP CsqInsertIrp;
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
    PVOID ReservePointer;
} IO_CSQ, *PIO_CSQ;

typedef struct _IO_REMOVE_LOCK_COMMON_BLOCK {
    BOOLEAN Removed;                   /* set once by ReleaseAndWait */
    BOOLEAN Reserved[3];
    volatile LONG IoCount;             /* 1 (the bias) + outstanding acquires */
    KEVENT RemoveEvent;                /* signalled when IoCount reaches 0 */
} IO_REMOVE_LOCK_COMMON_BLOCK;

/* The free-build layout (no DBG tracking block). */
typedef struct _IO_REMOVE_LOCK {
    IO_REMOVE_LOCK_COMMON_BLOCK Common;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;

/* IoSetCompletionRoutineEx allocates a context; shape is private. */

/* ------------------------------------------------------------------ */
/* Layout checks: Windows x64                                           */
/* ------------------------------------------------------------------ */

_Static_assert(sizeof(IO_STATUS_BLOCK) == 0x10, "IO_STATUS_BLOCK");
_Static_assert(sizeof(MDL) == 0x30, "MDL");
_Static_assert(offsetof(MDL, MdlFlags) == 0x0a, "MDL.MdlFlags");
_Static_assert(offsetof(MDL, MappedSystemVa) == 0x18, "MDL.MappedSystemVa");
_Static_assert(offsetof(MDL, ByteOffset) == 0x2c, "MDL.ByteOffset");

_Static_assert(sizeof(IRP) == 0xd0, "IRP");
_Static_assert(offsetof(IRP, MdlAddress) == 0x08, "IRP.MdlAddress");
_Static_assert(offsetof(IRP, Flags) == 0x10, "IRP.Flags");
_Static_assert(offsetof(IRP, AssociatedIrp) == 0x18, "IRP.AssociatedIrp");
_Static_assert(offsetof(IRP, ThreadListEntry) == 0x20, "IRP.ThreadListEntry");
_Static_assert(offsetof(IRP, IoStatus) == 0x30, "IRP.IoStatus");
_Static_assert(offsetof(IRP, RequestorMode) == 0x40, "IRP.RequestorMode");
_Static_assert(offsetof(IRP, PendingReturned) == 0x41, "IRP.PendingReturned");
_Static_assert(offsetof(IRP, StackCount) == 0x42, "IRP.StackCount");
_Static_assert(offsetof(IRP, CurrentLocation) == 0x43, "IRP.CurrentLocation");
_Static_assert(offsetof(IRP, Cancel) == 0x44, "IRP.Cancel");
_Static_assert(offsetof(IRP, CancelIrql) == 0x45, "IRP.CancelIrql");
_Static_assert(offsetof(IRP, AllocationFlags) == 0x47, "IRP.AllocationFlags");
_Static_assert(offsetof(IRP, UserIosb) == 0x48, "IRP.UserIosb");
_Static_assert(offsetof(IRP, UserEvent) == 0x50, "IRP.UserEvent");
_Static_assert(offsetof(IRP, Overlay) == 0x58, "IRP.Overlay");
_Static_assert(offsetof(IRP, CancelRoutine) == 0x68, "IRP.CancelRoutine");
_Static_assert(offsetof(IRP, UserBuffer) == 0x70, "IRP.UserBuffer");
_Static_assert(offsetof(IRP, Tail) == 0x78, "IRP.Tail");
_Static_assert(offsetof(IRP, Tail.Overlay.DriverContext) == 0x78, "IRP.DriverContext");
_Static_assert(offsetof(IRP, Tail.Overlay.Thread) == 0x98, "IRP.Tail.Overlay.Thread");
_Static_assert(offsetof(IRP, Tail.Overlay.AuxiliaryBuffer) == 0xa0, "IRP.AuxiliaryBuffer");
_Static_assert(offsetof(IRP, Tail.Overlay.ListEntry) == 0xa8, "IRP.Tail.Overlay.ListEntry");
_Static_assert(offsetof(IRP, Tail.Overlay.CurrentStackLocation) == 0xb8,
               "IRP.Tail.Overlay.CurrentStackLocation");
_Static_assert(offsetof(IRP, Tail.Overlay.OriginalFileObject) == 0xc0,
               "IRP.Tail.Overlay.OriginalFileObject");
_Static_assert(offsetof(IRP, Tail.Overlay.IrpExtension) == 0xc8, "IRP.IrpExtension");
_Static_assert(offsetof(IRP, Tail.CompletionKey) == 0x78, "IRP.Tail.CompletionKey");

_Static_assert(sizeof(IO_STACK_LOCATION) == 0x48, "IO_STACK_LOCATION");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters) == 0x08, "IO_STACK_LOCATION.Parameters");
_Static_assert(offsetof(IO_STACK_LOCATION, DeviceObject) == 0x28, "IO_STACK_LOCATION.DeviceObject");
_Static_assert(offsetof(IO_STACK_LOCATION, FileObject) == 0x30, "IO_STACK_LOCATION.FileObject");
_Static_assert(offsetof(IO_STACK_LOCATION, CompletionRoutine) == 0x38,
               "IO_STACK_LOCATION.CompletionRoutine");
_Static_assert(offsetof(IO_STACK_LOCATION, Context) == 0x40, "IO_STACK_LOCATION.Context");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.Options) == 0x10, "Create.Options");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.FileAttributes) == 0x18,
               "Create.FileAttributes");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.ShareAccess) == 0x1a,
               "Create.ShareAccess");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Create.EaLength) == 0x20, "Create.EaLength");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Read.Key) == 0x10, "Read.Key");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Read.ByteOffset) == 0x18, "Read.ByteOffset");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.InputBufferLength) == 0x10,
               "DeviceIoControl.InputBufferLength");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode) == 0x18,
               "DeviceIoControl.IoControlCode");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.Type3InputBuffer) == 0x20,
               "DeviceIoControl.Type3InputBuffer");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.QueryFile.FileInformationClass) == 0x10,
               "QueryFile.FileInformationClass");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.SetFile.FileObject) == 0x18,
               "SetFile.FileObject");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.QueryInterface.Interface) == 0x18,
               "QueryInterface.Interface");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.ReadWriteConfig.Length) == 0x20,
               "ReadWriteConfig.Length");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.QueryDeviceText.LocaleId) == 0x10,
               "QueryDeviceText.LocaleId");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.UsageNotification.Type) == 0x10,
               "UsageNotification.Type");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Power.Type) == 0x10, "Power.Type");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Power.State) == 0x18, "Power.State");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Power.ShutdownType) == 0x20,
               "Power.ShutdownType");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.StartDevice.AllocatedResourcesTranslated) == 0x10,
               "StartDevice.AllocatedResourcesTranslated");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.WMI.Buffer) == 0x20, "WMI.Buffer");
_Static_assert(offsetof(IO_STACK_LOCATION, Parameters.Others.Argument4) == 0x20, "Others.Argument4");

_Static_assert(sizeof(WAIT_CONTEXT_BLOCK) == 0x48, "WAIT_CONTEXT_BLOCK");
_Static_assert(sizeof(DEVICE_OBJECT) == 0x150, "DEVICE_OBJECT");
_Static_assert(offsetof(DEVICE_OBJECT, DriverObject) == 0x08, "DEVICE_OBJECT.DriverObject");
_Static_assert(offsetof(DEVICE_OBJECT, AttachedDevice) == 0x18, "DEVICE_OBJECT.AttachedDevice");
_Static_assert(offsetof(DEVICE_OBJECT, Flags) == 0x30, "DEVICE_OBJECT.Flags");
_Static_assert(offsetof(DEVICE_OBJECT, Characteristics) == 0x34, "DEVICE_OBJECT.Characteristics");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceExtension) == 0x40, "DEVICE_OBJECT.DeviceExtension");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceType) == 0x48, "DEVICE_OBJECT.DeviceType");
_Static_assert(offsetof(DEVICE_OBJECT, StackSize) == 0x4c, "DEVICE_OBJECT.StackSize");
_Static_assert(offsetof(DEVICE_OBJECT, Queue) == 0x50, "DEVICE_OBJECT.Queue");
_Static_assert(offsetof(DEVICE_OBJECT, AlignmentRequirement) == 0x98,
               "DEVICE_OBJECT.AlignmentRequirement");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceQueue) == 0xa0, "DEVICE_OBJECT.DeviceQueue");
_Static_assert(offsetof(DEVICE_OBJECT, Dpc) == 0xc8, "DEVICE_OBJECT.Dpc");
_Static_assert(offsetof(DEVICE_OBJECT, ActiveThreadCount) == 0x108,
               "DEVICE_OBJECT.ActiveThreadCount");
_Static_assert(offsetof(DEVICE_OBJECT, SecurityDescriptor) == 0x110,
               "DEVICE_OBJECT.SecurityDescriptor");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceLock) == 0x118, "DEVICE_OBJECT.DeviceLock");
_Static_assert(offsetof(DEVICE_OBJECT, SectorSize) == 0x130, "DEVICE_OBJECT.SectorSize");
_Static_assert(offsetof(DEVICE_OBJECT, DeviceObjectExtension) == 0x138,
               "DEVICE_OBJECT.DeviceObjectExtension");
_Static_assert(offsetof(DEVICE_OBJECT, Reserved) == 0x140, "DEVICE_OBJECT.Reserved");

_Static_assert(sizeof(DRIVER_OBJECT) == 0x150, "DRIVER_OBJECT");
_Static_assert(offsetof(DRIVER_OBJECT, DriverExtension) == 0x30, "DRIVER_OBJECT.DriverExtension");
_Static_assert(offsetof(DRIVER_OBJECT, DriverName) == 0x38, "DRIVER_OBJECT.DriverName");
_Static_assert(offsetof(DRIVER_OBJECT, FastIoDispatch) == 0x50, "DRIVER_OBJECT.FastIoDispatch");
_Static_assert(offsetof(DRIVER_OBJECT, DriverUnload) == 0x68, "DRIVER_OBJECT.DriverUnload");
_Static_assert(offsetof(DRIVER_OBJECT, MajorFunction) == 0x70, "DRIVER_OBJECT.MajorFunction");
_Static_assert(sizeof(DRIVER_EXTENSION) == 0x28, "DRIVER_EXTENSION");
_Static_assert(offsetof(DRIVER_EXTENSION, ServiceKeyName) == 0x18, "DRIVER_EXTENSION.ServiceKeyName");

_Static_assert(sizeof(FILE_OBJECT) == 0xd8, "FILE_OBJECT");
_Static_assert(offsetof(FILE_OBJECT, FsContext) == 0x18, "FILE_OBJECT.FsContext");
_Static_assert(offsetof(FILE_OBJECT, FsContext2) == 0x20, "FILE_OBJECT.FsContext2");
_Static_assert(offsetof(FILE_OBJECT, FinalStatus) == 0x38, "FILE_OBJECT.FinalStatus");
_Static_assert(offsetof(FILE_OBJECT, RelatedFileObject) == 0x40, "FILE_OBJECT.RelatedFileObject");
_Static_assert(offsetof(FILE_OBJECT, Flags) == 0x50, "FILE_OBJECT.Flags");
_Static_assert(offsetof(FILE_OBJECT, FileName) == 0x58, "FILE_OBJECT.FileName");
_Static_assert(offsetof(FILE_OBJECT, CurrentByteOffset) == 0x68, "FILE_OBJECT.CurrentByteOffset");
_Static_assert(offsetof(FILE_OBJECT, Lock) == 0x80, "FILE_OBJECT.Lock");
_Static_assert(offsetof(FILE_OBJECT, Event) == 0x98, "FILE_OBJECT.Event");
_Static_assert(offsetof(FILE_OBJECT, CompletionContext) == 0xb0, "FILE_OBJECT.CompletionContext");
_Static_assert(offsetof(FILE_OBJECT, IrpList) == 0xc0, "FILE_OBJECT.IrpList");
_Static_assert(offsetof(FILE_OBJECT, FileObjectExtension) == 0xd0,
               "FILE_OBJECT.FileObjectExtension");

_Static_assert(sizeof(VPB) == 0x60, "VPB");
_Static_assert(offsetof(VPB, VolumeLabel) == 0x20, "VPB.VolumeLabel");
_Static_assert(sizeof(SECTION_OBJECT_POINTERS) == 0x18, "SECTION_OBJECT_POINTERS");
_Static_assert(sizeof(IO_COMPLETION_CONTEXT) == 0x10, "IO_COMPLETION_CONTEXT");
_Static_assert(sizeof(IO_SECURITY_CONTEXT) == 0x18, "IO_SECURITY_CONTEXT");
_Static_assert(sizeof(DEVICE_CAPABILITIES) == 0x40, "DEVICE_CAPABILITIES");
_Static_assert(offsetof(DEVICE_CAPABILITIES, DeviceState) == 0x10, "DEVICE_CAPABILITIES.DeviceState");
_Static_assert(offsetof(DEVICE_CAPABILITIES, D1Latency) == 0x34, "DEVICE_CAPABILITIES.D1Latency");
_Static_assert(sizeof(DEVICE_RELATIONS) == 0x10, "DEVICE_RELATIONS");
_Static_assert(sizeof(INTERFACE) == 0x20, "INTERFACE");
_Static_assert(sizeof(POWER_STATE) == 4, "POWER_STATE");
_Static_assert(sizeof(IO_CSQ) == 0x40, "IO_CSQ");
_Static_assert(sizeof(IO_CSQ_IRP_CONTEXT) == 0x18, "IO_CSQ_IRP_CONTEXT");
_Static_assert(sizeof(IO_REMOVE_LOCK) == 0x20, "IO_REMOVE_LOCK");
_Static_assert(offsetof(IO_REMOVE_LOCK, Common.IoCount) == 0x04, "IO_REMOVE_LOCK.IoCount");
_Static_assert(offsetof(IO_REMOVE_LOCK, Common.RemoveEvent) == 0x08, "IO_REMOVE_LOCK.RemoveEvent");

#endif /* _DDK_IOTYPES_H_ */
