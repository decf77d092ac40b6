/* os-release analyzer and os_detect: release files as the distributions ship
 * them in their container images, and the family/version/pretty name they
 * must give; the os-release(5) syntax corners; hostile input. */
#include "testutil.h"

#include "analyzer/analyzer.h"
#include "inventory/inventory.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

struct rel_file {
	const char *path, *text;
};

struct os_case {
	const char *what;
	struct rel_file files[4];
	const char *family, *name, *pretty;
};

#define OSR_DEBIAN12                                                                                     \
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"  \
	"VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n" \
	"SUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n"

#define OSR_UBUNTU2204                                                                                     \
	"PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"                     \
	"VERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n"   \
	"HOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\n"                  \
	"BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"                                          \
	"PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"          \
	"UBUNTU_CODENAME=jammy\n"

#define LSB_UBUNTU2204 \
	"DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n"

#define OSR_CENTOS7                                                                                        \
	"NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n" \
	"PRETTY_NAME=\"CentOS Linux 7 (Core)\"\nANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:centos:centos:7\"\n"    \
	"HOME_URL=\"https://www.centos.org/\"\nBUG_REPORT_URL=\"https://bugs.centos.org/\"\n\n"                \
	"CENTOS_MANTISBT_PROJECT=\"CentOS-7\"\nCENTOS_MANTISBT_PROJECT_VERSION=\"7\"\n"                        \
	"REDHAT_SUPPORT_PRODUCT=\"centos\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"7\"\n\n"

#define OSR_ROCKY93                                                                                          \
	"NAME=\"Rocky Linux\"\nVERSION=\"9.3 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n"     \
	"VERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n"       \
	"ANSI_COLOR=\"0;32\"\nLOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:rocky:rocky:9::baseos\"\n"           \
	"HOME_URL=\"https://rockylinux.org/\"\nBUG_REPORT_URL=\"https://bugs.rockylinux.org/\"\n"               \
	"SUPPORT_END=\"2032-05-31\"\nROCKY_SUPPORT_PRODUCT=\"Rocky-Linux-9\"\nROCKY_SUPPORT_PRODUCT_VERSION=\"9.3\"\n" \
	"REDHAT_SUPPORT_PRODUCT=\"Rocky Linux\"\nREDHAT_SUPPORT_PRODUCT_VERSION=\"9.3\"\n"

#define OSR_ALMA89                                                                                         \
	"NAME=\"AlmaLinux\"\nVERSION=\"8.9 (Midnight Oncilla)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\n" \
	"VERSION_ID=\"8.9\"\nPLATFORM_ID=\"platform:el8\"\nPRETTY_NAME=\"AlmaLinux 8.9 (Midnight Oncilla)\"\n" \
	"ANSI_COLOR=\"0;34\"\nLOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:almalinux:almalinux:8::baseos\"\n" \
	"HOME_URL=\"https://almalinux.org/\"\n"

#define OSR_UBI93                                                                                          \
	"NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.3 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\n"          \
	"VERSION_ID=\"9.3\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.3 (Plow)\"\n" \
	"ANSI_COLOR=\"0;31\"\nLOGO=\"fedora-logo-icon\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\n" \
	"HOME_URL=\"https://www.redhat.com/\"\nREDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 9\"\n"         \
	"REDHAT_BUGZILLA_PRODUCT_VERSION=9.3\nREDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\n"           \
	"REDHAT_SUPPORT_PRODUCT_VERSION=\"9.3\"\n"

#define OSR_FEDORA39                                                                                       \
	"NAME=\"Fedora Linux\"\nVERSION=\"39 (Container Image)\"\nID=fedora\nVERSION_ID=39\n"                  \
	"VERSION_CODENAME=\"\"\nPLATFORM_ID=\"platform:f39\"\nPRETTY_NAME=\"Fedora Linux 39 (Container Image)\"\n" \
	"ANSI_COLOR=\"0;38;2;60;110;180\"\nLOGO=fedora-logo-icon\nCPE_NAME=\"cpe:/o:fedoraproject:fedora:39\"\n" \
	"DEFAULT_HOSTNAME=\"fedora\"\nHOME_URL=\"https://fedoraproject.org/\"\nVARIANT=\"Container Image\"\n"  \
	"VARIANT_ID=container\n"

#define OSR_AL2                                                                                            \
	"NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\n" \
	"PRETTY_NAME=\"Amazon Linux 2\"\nANSI_COLOR=\"0;33\"\nCPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2\"\n" \
	"HOME_URL=\"https://amazonlinux.com/\"\nSUPPORT_END=\"2025-06-30\"\n"

#define OSR_AL2023                                                                                         \
	"NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n"      \
	"PLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\nANSI_COLOR=\"0;33\"\n"            \
	"CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2023\"\nHOME_URL=\"https://aws.amazon.com/linux/amazon-linux-2023/\"\n" \
	"DOCUMENTATION_URL=\"https://docs.aws.amazon.com/linux/\"\nSUPPORT_URL=\"https://aws.amazon.com/premiumsupport/\"\n" \
	"BUG_REPORT_URL=\"https://github.com/amazonlinux/amazon-linux-2023\"\nVENDOR_NAME=\"AWS\"\n"          \
	"VENDOR_URL=\"https://aws.amazon.com/\"\nSUPPORT_END=\"2028-03-15\"\n"

#define OSR_MARINER2                                                                                       \
	"NAME=\"Common Base Linux Mariner\"\nVERSION=\"2.0.20240123\"\nID=mariner\nVERSION_ID=\"2.0\"\n"        \
	"PRETTY_NAME=\"CBL-Mariner/Linux\"\nANSI_COLOR=\"1;34\"\nHOME_URL=\"https://aka.ms/cbl-mariner\"\n"    \
	"BUG_REPORT_URL=\"https://aka.ms/cbl-mariner\"\nSUPPORT_URL=\"https://aka.ms/cbl-mariner\"\n"

#define OSR_AZL3                                                                                           \
	"NAME=\"Microsoft Azure Linux\"\nVERSION=\"3.0.20240727\"\nID=azurelinux\nVERSION_ID=\"3.0\"\n"        \
	"PRETTY_NAME=\"Microsoft Azure Linux 3.0\"\nANSI_COLOR=\"1;34\"\nHOME_URL=\"https://aka.ms/azurelinux\"\n" \
	"BUG_REPORT_URL=\"https://aka.ms/azurelinux\"\nSUPPORT_URL=\"https://aka.ms/azurelinux\"\n"

#define OSR_OL89                                                                                           \
	"NAME=\"Oracle Linux Server\"\nVERSION=\"8.9\"\nID=\"ol\"\nID_LIKE=\"fedora\"\nVARIANT=\"Server\"\n"   \
	"VARIANT_ID=\"server\"\nVERSION_ID=\"8.9\"\nPLATFORM_ID=\"platform:el8\"\n"                           \
	"PRETTY_NAME=\"Oracle Linux Server 8.9\"\nANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:oracle:linux:8:9:server\"\n" \
	"HOME_URL=\"https://linux.oracle.com/\"\nBUG_REPORT_URL=\"https://github.com/oracle/oracle-linux\"\n\n" \
	"ORACLE_BUGZILLA_PRODUCT=\"Oracle Linux 8\"\nORACLE_BUGZILLA_PRODUCT_VERSION=8.9\n"                   \
	"ORACLE_SUPPORT_PRODUCT=\"Oracle Linux\"\nORACLE_SUPPORT_PRODUCT_VERSION=8.9\n"

#define OSR_SLES155                                                                                        \
	"NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\n" \
	"ID=\"sles\"\nID_LIKE=\"suse\"\nANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp5\"\n"            \
	"DOCUMENTATION_URL=\"https://documentation.suse.com/\"\n"

#define OSR_LEAP155                                                                                        \
	"NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n"           \
	"VERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\nANSI_COLOR=\"0;32\"\n"                      \
	"CPE_NAME=\"cpe:/o:opensuse:leap:15.5\"\nBUG_REPORT_URL=\"https://bugs.opensuse.org\"\n"               \
	"HOME_URL=\"https://www.opensuse.org/\"\nDOCUMENTATION_URL=\"https://en.opensuse.org/Portal:Leap\"\n"  \
	"LOGO=\"distributor-logo-Leap\"\n"

#define OSR_TUMBLEWEED                                                                                     \
	"NAME=\"openSUSE Tumbleweed\"\n# VERSION=\"20240315\"\nID=\"opensuse-tumbleweed\"\n"                   \
	"ID_LIKE=\"opensuse suse\"\nVERSION_ID=\"20240315\"\nPRETTY_NAME=\"openSUSE Tumbleweed\"\n"            \
	"ANSI_COLOR=\"0;32\"\n# CPE 2.3 format, boo#1217921\nCPE_NAME=\"cpe:2.3:o:opensuse:tumbleweed:20240315:*:*:*:*:*:*:*\"\n" \
	"#CPE 2.2 format\n#CPE_NAME=\"cpe:/o:opensuse:tumbleweed:20240315\"\n"                               \
	"BUG_REPORT_URL=\"https://bugzilla.opensuse.org\"\nSUPPORT_URL=\"https://bugs.opensuse.org\"\n"        \
	"HOME_URL=\"https://www.opensuse.org\"\nDOCUMENTATION_URL=\"https://en.opensuse.org/Portal:Tumbleweed\"\n" \
	"LOGO=\"distributor-logo-Tumbleweed\"\n"

#define OSR_PHOTON5                                                                                        \
	"NAME=\"VMware Photon OS\"\nVERSION=\"5.0\"\nID=photon\nVERSION_ID=5.0\n"                              \
	"PRETTY_NAME=\"VMware Photon OS/Linux\"\nANSI_COLOR=\"1;34\"\nHOME_URL=\"https://vmware.github.io/photon/\"\n" \
	"BUG_REPORT_URL=\"https://github.com/vmware/photon/issues\"\n"

static const struct os_case cases[] = {
	{"alpine 3.19",
	 {{"etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"
			     "HOME_URL=\"https://alpinelinux.org/\"\n"
			     "BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n"},
	  {"etc/alpine-release", "3.19.1\n"}},
	 "alpine", "3.19.1", "Alpine Linux v3.19"},
	{"alpine edge: alpine-release is more precise",
	 {{"etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.0_alpha20240315\n"
			     "PRETTY_NAME=\"Alpine Linux edge\"\n"},
	  {"etc/alpine-release", "3.20.0_alpha20240315\n"}},
	 "alpine", "3.20.0_alpha20240315", "Alpine Linux edge"},
	{"alpine 3.2 (no os-release yet)", {{"etc/alpine-release", "3.2.3\n"}}, "alpine", "3.2.3", NULL},
	{"debian 12.5: debian_version wins over VERSION_ID",
	 {{"etc/os-release", OSR_DEBIAN12}, {"etc/debian_version", "12.5\n"}},
	 "debian", "12.5", "Debian GNU/Linux 12 (bookworm)"},
	{"debian 12 from usr/lib/os-release only", {{"usr/lib/os-release", OSR_DEBIAN12}}, "debian", "12",
	 "Debian GNU/Linux 12 (bookworm)"},
	{"debian testing",
	 {{"etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n"
			     "VERSION_CODENAME=trixie\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n"},
	  {"etc/debian_version", "trixie/sid\n"}},
	 "debian", "trixie/sid", "Debian GNU/Linux trixie/sid"},
	{"debian 9 without os-release", {{"etc/debian_version", "9.13\n"}}, "debian", "9.13", NULL},
	{"distroless (debian 12)",
	 {{"etc/os-release", "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\n"
			     "VERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\n"
			     "HOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n"
			     "SUPPORT_URL=\"https://github.com/GoogleContainerTools/distroless/blob/master/README.md\"\n"
			     "BUG_REPORT_URL=\"https://github.com/GoogleContainerTools/distroless/issues/new\"\n"},
	  {"etc/debian_version", "12.5\n"}},
	 "debian", "12.5", "Distroless"},
	{"ubuntu 22.04: bookworm/sid in debian_version does not win",
	 {{"etc/os-release", OSR_UBUNTU2204}, {"etc/debian_version", "bookworm/sid\n"}, {"etc/lsb-release", LSB_UBUNTU2204}},
	 "ubuntu", "22.04", "Ubuntu 22.04.4 LTS"},
	{"ubuntu from lsb-release alone",
	 {{"etc/debian_version", "bookworm/sid\n"}, {"etc/lsb-release", LSB_UBUNTU2204}},
	 "ubuntu", "22.04", "Ubuntu 22.04.4 LTS"},
	{"centos 7",
	 {{"etc/os-release", OSR_CENTOS7},
	  {"etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"},
	  {"etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n"},
	  {"etc/system-release", "CentOS Linux release 7.9.2009 (Core)\n"}},
	 "centos", "7.9.2009", "CentOS Linux 7 (Core)"},
	{"centos 6 (no os-release)",
	 {{"etc/centos-release", "CentOS release 6.10 (Final)\n"}, {"etc/redhat-release", "CentOS release 6.10 (Final)\n"}},
	 "centos", "6.10", "CentOS release 6.10 (Final)"},
	{"centos stream 9",
	 {{"etc/os-release", "NAME=\"CentOS Stream\"\nVERSION=\"9\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\n"
			     "VERSION_ID=\"9\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"CentOS Stream 9\"\n"},
	  {"etc/centos-release", "CentOS Stream release 9\n"}},
	 "centos", "9", "CentOS Stream 9"},
	{"rocky 9.3",
	 {{"etc/os-release", OSR_ROCKY93},
	  {"etc/rocky-release", "Rocky Linux release 9.3 (Blue Onyx)\n"},
	  {"etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n"}},
	 "rocky", "9.3", "Rocky Linux 9.3 (Blue Onyx)"},
	{"almalinux 8.9",
	 {{"etc/os-release", OSR_ALMA89}, {"etc/almalinux-release", "AlmaLinux release 8.9 (Midnight Oncilla)\n"}},
	 "alma", "8.9", "AlmaLinux 8.9 (Midnight Oncilla)"},
	{"ubi 9.3",
	 {{"etc/os-release", OSR_UBI93}, {"etc/redhat-release", "Red Hat Enterprise Linux release 9.3 (Plow)\n"}},
	 "redhat", "9.3", "Red Hat Enterprise Linux 9.3 (Plow)"},
	{"rhel 7 (redhat-release only)",
	 {{"etc/redhat-release", "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n"}},
	 "redhat", "7.9", "Red Hat Enterprise Linux Server release 7.9 (Maipo)"},
	{"fedora 39",
	 {{"etc/os-release", OSR_FEDORA39}, {"etc/fedora-release", "Fedora release 39 (Thirty Nine)\n"},
	  {"etc/redhat-release", "Fedora release 39 (Thirty Nine)\n"}},
	 "fedora", "39", "Fedora Linux 39 (Container Image)"},
	{"amazon linux 2",
	 {{"etc/os-release", OSR_AL2}, {"etc/system-release", "Amazon Linux release 2 (Karoo)\n"}},
	 "amazon", "2", "Amazon Linux 2"},
	{"amazon linux 2023: system-release gives the point release",
	 {{"etc/os-release", OSR_AL2023}, {"etc/system-release", "Amazon Linux release 2023.3.20240131 (Amazon Linux)\n"}},
	 "amazon", "2023.3.20240131", "Amazon Linux 2023"},
	{"amazon linux 2023 without system-release", {{"etc/os-release", OSR_AL2023}}, "amazon", "2023",
	 "Amazon Linux 2023"},
	{"amazon linux AMI 2018.03", {{"etc/system-release", "Amazon Linux AMI release 2018.03\n"}}, "amazon", "2018.03",
	 "Amazon Linux AMI release 2018.03"},
	{"cbl-mariner 2.0",
	 {{"etc/os-release", OSR_MARINER2}, {"etc/mariner-release", "CBL-Mariner 2.0.20240123\nMARINER_BUILD_NUMBER=rolling\n"}},
	 "cbl-mariner", "2.0.20240123", "CBL-Mariner/Linux"},
	{"cbl-mariner 2.0 from os-release only", {{"etc/os-release", OSR_MARINER2}}, "cbl-mariner", "2.0",
	 "CBL-Mariner/Linux"},
	{"azure linux 3.0", {{"etc/os-release", OSR_AZL3}}, "azurelinux", "3.0", "Microsoft Azure Linux 3.0"},
	{"oracle linux 8.9",
	 {{"etc/os-release", OSR_OL89}, {"etc/oracle-release", "Oracle Linux Server release 8.9\n"},
	  {"etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n"},
	  {"etc/system-release", "Oracle Linux Server release 8.9\n"}},
	 "oracle", "8.9", "Oracle Linux Server 8.9"},
	{"oracle linux 7 without os-release: redhat-release says RHEL",
	 {{"etc/redhat-release", "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n"},
	  {"etc/oracle-release", "Oracle Linux Server release 7.9\n"}},
	 "oracle", "7.9", "Oracle Linux Server release 7.9"},
	{"sles 15 sp5 (bci: usr/lib/os-release)", {{"usr/lib/os-release", OSR_SLES155}}, "sles", "15.5",
	 "SUSE Linux Enterprise Server 15 SP5"},
	{"sles 12 sp3 from SuSE-release",
	 {{"etc/SuSE-release", "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n"
			       "# This file is deprecated and will be removed in a future service pack or release.\n"
			       "# Please check /etc/os-release for details about this release.\n"}},
	 "sles", "12.3", "SUSE Linux Enterprise Server 12 (x86_64)"},
	{"opensuse leap 15.5", {{"etc/os-release", OSR_LEAP155}}, "opensuse-leap", "15.5", "openSUSE Leap 15.5"},
	{"opensuse leap 42.3 (ID=opensuse)",
	 {{"etc/os-release", "NAME=\"openSUSE Leap\"\nVERSION=\"42.3\"\nID=opensuse\nID_LIKE=\"suse\"\n"
			     "VERSION_ID=\"42.3\"\nPRETTY_NAME=\"openSUSE Leap 42.3\"\n"}},
	 "opensuse-leap", "42.3", "openSUSE Leap 42.3"},
	{"opensuse tumbleweed (commented VERSION)", {{"usr/lib/os-release", OSR_TUMBLEWEED}}, "opensuse-tumbleweed",
	 "20240315", "openSUSE Tumbleweed"},
	{"photon 5.0",
	 {{"etc/os-release", OSR_PHOTON5}, {"etc/photon-release", "VMware Photon OS 5.0\nPHOTON_BUILD_NUMBER=dde71ec57\n"}},
	 "photon", "5.0", "VMware Photon OS/Linux"},
	{"wolfi",
	 {{"etc/os-release", "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n"
			     "HOME_URL=\"https://wolfi.dev\"\n"}},
	 "wolfi", "20230201", "Wolfi"},
	{"chainguard",
	 {{"etc/os-release", "ID=chainguard\nNAME=\"Chainguard\"\nPRETTY_NAME=\"Chainguard\"\nVERSION_ID=\"20230214\"\n"
			     "HOME_URL=\"https://chainguard.dev/\"\n"}},
	 "chainguard", "20230214", "Chainguard"},
	{"arch linux: unknown", {{"etc/os-release", "NAME=\"Arch Linux\"\nPRETTY_NAME=\"Arch Linux\"\nID=arch\n"
						    "BUILD_ID=rolling\nANSI_COLOR=\"38;2;23;147;209\"\n"}},
	 NULL, NULL, NULL},
	{"kali: unknown, and kali-rolling is not a Debian release",
	 {{"etc/os-release", "PRETTY_NAME=\"Kali GNU/Linux Rolling\"\nNAME=\"Kali GNU/Linux\"\nVERSION=\"2024.1\"\n"
			     "VERSION_ID=\"2024.1\"\nVERSION_CODENAME=kali-rolling\nID=kali\nID_LIKE=debian\n"},
	  {"etc/debian_version", "kali-rolling\n"}},
	 NULL, NULL, NULL},
	{"rebranded os-release over debian: debian_version decides",
	 {{"etc/os-release", "ID=acme\nNAME=\"ACME OS\"\nVERSION_ID=\"5\"\n"}, {"etc/debian_version", "11.9\n"}},
	 "debian", "11.9", NULL},
	{"nothing", {{"etc/hostname", "x\n"}}, NULL, NULL, NULL},
	{"os-release in etc wins over usr/lib",
	 {{"usr/lib/os-release", "ID=fedora\nVERSION_ID=38\n"}, {"etc/os-release", "ID=fedora\nVERSION_ID=39\n"}},
	 "fedora", "39", NULL},
	/* os-release(5) syntax, parsed like systemd does. */
	{"quotes, escapes, comments, CRLF, whitespace, last assignment wins",
	 {{"etc/os-release", "# comment ID=ubuntu\r\n; another\r\n  ID  =  'wolfi'  \r\nVERSION_ID=1\\ 2\\\r\n"
			     "PRETTY_NAME=\"a \\\"q\\\" \\$x \\\\ \\n\"'$lit'\" more\"\r\nVERSION_ID=\"2024\"\"01\"   \r\n"
			     "=novalue\r\nnot a line\r\n9BAD=1\r\nNAME=\"multi\nline\"\r\n"}},
	 "wolfi", "202401", "a \"q\" $x \\ \\n$lit more"},
	{"unquoted value: trailing whitespace dropped, inner quotes literal",
	 {{"etc/os-release", "ID=alpine   \nVERSION_ID=3.1'8   \nPRETTY_NAME=Alpine\\ \"Linux\"\t \n"}},
	 "alpine", "3.1'8", "Alpine \"Linux\""},
	{"value not UTF-8 is ignored (systemd does too)",
	 {{"etc/os-release", "ID=alpine\nVERSION_ID=3.19\nPRETTY_NAME=\"Alp\xff\xfeine\"\nNAME=\"Alpine Linux\"\n"}},
	 "alpine", "3.19", "Alpine Linux"},
	{"unterminated quote keeps what was read", {{"etc/os-release", "ID=alpine\nVERSION_ID=\"3.19"}}, "alpine", "3.19",
	 NULL},
	{"no final newline, empty VERSION_ID", {{"etc/os-release", "ID=fedora\nVERSION_ID="}}, "fedora", NULL, NULL},
};

static void check_str(const char *what, const char *field, const char *got, const char *want)
{
	if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0))
		fail_msg("%s: %s: got %s%s%s, want %s%s%s", what, field, got ? "\"" : "", got ? got : "NULL",
			 got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

static void test_os_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct os_case *c = &cases[i];
		const char *paths[4], *texts[4];
		struct analysis an[4];
		size_t n = 0;
		for (; n < 4 && c->files[n].path; n++) {
			/* Through the analyzer, as the walk would. */
			memset(&an[n], 0, sizeof an[n]);
			struct err e = {{0}};
			bool wanted = analyzer_os_release.match(c->files[n].path);
			assert_true(wanted || strcmp(c->files[n].path, "etc/hostname") == 0);
			struct analyzer_input in = {c->files[n].path, (const unsigned char *)c->files[n].text,
						    strlen(c->files[n].text), false};
			if (analyzer_os_release.parse(&in, &an[n], &e) != 0)
				fail_msg("%s: %s: %s", c->what, c->files[n].path, e.msg);
			paths[n] = c->files[n].path;
			texts[n] = an[n].release_text;
			assert_string_equal(texts[n], c->files[n].text);
		}
		struct os_info os;
		memset(&os, 0x5a, sizeof os); /* os_detect must fill every field */
		assert_int_equal(os_detect(paths, texts, n, &os), 0);
		check_str(c->what, "family", os.family, c->family);
		check_str(c->what, "name", os.name, c->name);
		check_str(c->what, "pretty", os.pretty, c->pretty);
		os_info_clear(&os);
		for (size_t j = 0; j < n; j++)
			analysis_clear(&an[j]);
	}
}

static void test_empty(void **state)
{
	(void)state;
	struct os_info os;
	assert_int_equal(os_detect(NULL, NULL, 0, &os), 0);
	assert_null(os.family);
	assert_null(os.name);
	assert_null(os.pretty);
}

static void test_match(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version",
		"etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
		"etc/fedora-release", "etc/system-release", "etc/oracle-release", "etc/lsb-release",
		"etc/SuSE-release", "etc/mariner-release", "etc/photon-release",
	};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		assert_true(analyzer_os_release.match(yes[i]));
	static const char *const no[] = {
		"os-release", "etc/os-release.bak", "usr/etc/os-release", "etc/suse-release", "etc/issue", "",
	};
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		assert_false(analyzer_os_release.match(no[i]));
	assert_int_equal(analyzer_os_release.max_bytes, 64u * 1024);
}

static void test_hostile(void **state)
{
	(void)state;
	struct analysis a = {0};
	struct err e = {{0}};
	unsigned char nul[] = "ID=alpine\0VERSION_ID=3\n";
	struct analyzer_input in = {"etc/os-release", nul, sizeof nul - 1, false};
	assert_int_equal(analyzer_os_release.parse(&in, &a, &e), -1);
	assert_non_null(strstr(e.msg, "NUL byte at offset 9"));
	assert_null(a.release_text);

	unsigned char ctl[] = "ID=alpine\x01\n";
	struct analyzer_input in2 = {"etc/os-release", ctl, sizeof ctl - 1, false};
	assert_int_equal(analyzer_os_release.parse(&in2, &a, &e), -1);
	assert_non_null(strstr(e.msg, "control byte 0x01"));
	assert_null(a.release_text);

	/* An ELF binary where a release file should be. */
	unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
	struct analyzer_input in3 = {"etc/debian_version", elf, sizeof elf, false};
	assert_int_equal(analyzer_os_release.parse(&in3, &a, &e), -1);

	const char *ok = "ID=alpine\n";
	struct analyzer_input in4 = {"etc/os-release", (const unsigned char *)ok, strlen(ok), true};
	assert_int_equal(analyzer_os_release.parse(&in4, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cap"));
	assert_null(a.release_text);

	struct analyzer_input in5 = {"etc/alpine-release", NULL, 0, false};
	assert_int_equal(analyzer_os_release.parse(&in5, &a, &e), 0);
	assert_string_equal(a.release_text, "");
	analysis_clear(&a);

	/* os_detect on a 64 KiB single line, and on one long quoted value. */
	size_t big = 64 * 1024;
	char *t = xmalloc(big + 1);
	memset(t, 'A', big);
	t[big] = 0;
	memcpy(t, "ID=\"", 4);
	const char *path = "etc/os-release";
	const char *text = t;
	struct os_info os;
	assert_int_equal(os_detect(&path, &text, 1, &os), 0);
	assert_null(os.family);
	os_info_clear(&os);
	memcpy(t, "ID=alpine\nPRETTY_NAME=", 22);
	assert_int_equal(os_detect(&path, &text, 1, &os), 0);
	assert_string_equal(os.family, "alpine");
	assert_int_equal(strlen(os.pretty), big - 22);
	os_info_clear(&os);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_table),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
