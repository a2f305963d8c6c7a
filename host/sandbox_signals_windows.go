package host

import "os"

// forwardSignals are passed on to the sandboxed command.
var forwardSignals = []os.Signal{os.Interrupt}
