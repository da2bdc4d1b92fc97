# SPDX-License-Identifier: GPL-2.0
#
# Lab kernels (issue 4), included by the top-level Makefile.
#
#   make lab-kernel [VARIANT=debug|6.1.4|6.12]
#                                     build/lab{,-debug,-6.1.4,-6.12}/
#                                     {bzImage,tree} (cached: returns at
#                                     once when built)
#   make broken-module                build/lab-debug/broken.ko, a module
#                                      that sleeps in atomic context; proof
#                                      that the debug kernel's oracle works
#   make lab-clean                    remove build/lab* (not the cache)

.PHONY: lab-kernel broken-module lab-clean

lab-kernel:
	@$(TOP)/scripts/lab/build-lab-kernel $(VARIANT)

broken-module:
	@$(MAKE) -C $(TOP) lab-kernel VARIANT=debug
	@rm -rf $(BUILD)/lab-debug/broken
	@mkdir -p $(BUILD)/lab-debug/broken
	@cp $(TOP)/tests/broken-module/Kbuild $(TOP)/tests/broken-module/broken.c $(BUILD)/lab-debug/broken/
	$(MAKE) -C $(BUILD)/lab-debug/tree M=$(BUILD)/lab-debug/broken modules
	@cp $(BUILD)/lab-debug/broken/broken.ko $(BUILD)/lab-debug/broken.ko
	@echo "built $(BUILD)/lab-debug/broken.ko"

lab-clean:
	rm -rf $(BUILD)/lab $(BUILD)/lab-debug $(BUILD)/lab-6.1.4 $(BUILD)/lab-6.12
