// Package postgresserver starts a real PostgreSQL server for tests, from the
// binaries of the operating system's packages (`make postgres` installs
// Debian's), as an external process with a throw-away data directory.
//
// The server listens on a free loopback port only, keeps its unix socket
// inside its own temporary directory, and requires a random password for
// TCP connections (SCRAM), so tests exercise the same authenticated DSN a
// deployment uses. PostgreSQL refuses to run as root; when the tests do, the
// harness runs initdb and postgres as the `postgres` OS user.
//
// Stop and StartAgain (or Restart) stop the server and start it again on the
// same port and data, for outage tests. Everything (the process group and
// the directory) is removed when the test ends.
package postgresserver
