# SPDX-License-Identifier: GPL-2.0
#
# Packaging targets, included by the top-level Makefile.
#
#   sudo make install [MODE=audit] [NOLOAD=1] [KVER=...] [BOOT=0] [FORCE=1]
#                        checks root, dkms, headers, kernel config and whether
#                        the kernel needs tailguard first (changes nothing if
#                        not; FORCE=1 installs on a fixed kernel), then DKMS
#                        source to /usr/src, dkms build/install for the
#                        running kernel, modprobe, CLI + man page, tailguard check
#   make install DESTDIR=/tmp/root   the files only (no dkms, no modprobe)
#   sudo make uninstall  undo all of it (rmmod, dkms remove, files)
#   make dkms-src        the DKMS source tree in build/dkms/src/tailguard-VERSION
#   sudo make dkms-check DKMS build/install/remove for $(DKMS_KVERS), boot the
#                        DKMS-built .ko in the lab (DKMS_VM=0: no boot)
#   make deb             build/deb/tailguard-dkms_VERSION_all.deb and
#                        build/deb/tailguard_VERSION_amd64.deb, lintian-checked
#   make bmdeb KVER=6.1.0-54-amd64
#                        build/bmdeb/tailguard-modules-KVER_VERSION_amd64.deb:
#                        the module prebuilt for one kernel ABI, for machines
#                        without gcc or headers (SIGN_KEY=, SIGN_CERT= sign it)
#   sudo make deb-check  install the .debs in a bookworm chroot with the
#                        6.1.0-54 headers; DKMS's own hook must build the module;
#                        make install's preflight; the bmdeb without gcc/headers

TG_VERSION := $(shell cat $(TOP)/VERSION)
DKMS_KVERS ?= 6.1.0-54-amd64 6.12.117+deb12-amd64
DEB_CHROOT_KVER ?= 6.1.0-54-amd64
TG_APT = DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends
# Install the Debian packages a target needs when a command is missing.
# $(call tg-need,command,package)
tg-need = command -v $(1) >/dev/null 2>&1 || $(TG_APT) $(2)

.PHONY: install uninstall dkms-src dkms-check deb deb-check bmdeb

# Installs nothing, dkms included, before every precondition holds
# (packaging/tg-install preflight); then builds the CLI when it can.
install:
	@DESTDIR="$(DESTDIR)" KVER="$(if $(filter command line environment,$(origin KVER)),$(KVER))" \
		NOLOAD="$(NOLOAD)" NODKMS="$(NODKMS)" BOOT="$(BOOT)" MODE="$(MODE)" FORCE="$(FORCE)" \
		$(TOP)/packaging/tg-install install

uninstall:
	@DESTDIR="$(DESTDIR)" NOLOAD="$(NOLOAD)" $(TOP)/packaging/tg-install uninstall

dkms-src:
	@$(TOP)/packaging/tg-install stage-src $(BUILD)/dkms/src/tailguard-$(TG_VERSION)
	@echo "DKMS source in $(BUILD)/dkms/src/tailguard-$(TG_VERSION)"

dkms-check:
	@$(call tg-need,dkms,dkms)
	@$(call tg-need,qemu-system-x86_64,qemu-system-x86)
	@DKMS_KVERS="$(DKMS_KVERS)" DKMS_VM="$(DKMS_VM)" $(TOP)/packaging/dkms-check

deb:
	@$(call tg-need,dh,debhelper)
	@$(call tg-need,lintian,lintian)
	@$(call tg-need,fakeroot,fakeroot)
	@[ -e /usr/share/perl5/Debian/Debhelper/Sequence/dkms.pm ] || $(TG_APT) dh-dkms
	@$(TOP)/packaging/build-deb

bmdeb:
	@case "$(KVER)" in *-amd64) ;; *) echo "bmdeb: KVER=$(KVER) is not a Debian amd64 kernel ABI" >&2; exit 1 ;; esac
	@$(MAKE) -s -C $(TOP) module KVER=$(KVER) >/dev/null
	@SIGN_KEY="$(SIGN_KEY)" SIGN_CERT="$(SIGN_CERT)" $(TOP)/packaging/build-bmdeb $(KVER)

# The fixed kernel of the preflight test: its headers come from the
# archive (scripts/fetch-kernel) into the chroot.
DEB_FIXED_KVER ?= 6.1.0-56-amd64

deb-check: deb
	@$(call tg-need,debootstrap,debootstrap)
	@$(MAKE) -s -C $(TOP) bmdeb KVER=$(DEB_CHROOT_KVER)
	@$(TOP)/scripts/fetch-kernel $(DEB_FIXED_KVER)
	@DEB_CHROOT_KVER="$(DEB_CHROOT_KVER)" DEB_FIXED_KVER="$(DEB_FIXED_KVER)" $(TOP)/packaging/deb-check
