package main

import "os"

// reloadSignals is empty: Windows has no SIGHUP; restart `srt proxy` to change its settings.
var reloadSignals []os.Signal

func isReload(os.Signal) bool { return false }
