package minioserver

import "time"

// stopGrace is how long MinIO gets to exit on SIGTERM before the whole
// process group is killed.
const stopGrace = 5 * time.Second

// outputLimit caps the server output kept for failure reports.
const outputLimit = 64 << 10
