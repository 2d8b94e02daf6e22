"""What the shop counter does: find, check, accept or refuse a return; start one."""
