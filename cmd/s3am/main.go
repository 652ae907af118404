// Command s3am is the s3-access-manager binary: operator, server, policy tools.
package main

import (
	"errors"
	"fmt"
	"os"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/s3am/s3-access-manager/internal/cli"
)

func main() {
	err := cli.NewRoot().ExecuteContext(ctrl.SetupSignalHandler())
	var exit *cli.ExitError
	switch {
	case errors.As(err, &exit):
		if exit.Message != "" {
			fmt.Fprintln(os.Stderr, exit.Message)
		}
		os.Exit(exit.Code)
	case err != nil:
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
}
