// Command lodestar is the Lodestar server, admin tool and API client in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/lodestar-cx/lodestar/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
