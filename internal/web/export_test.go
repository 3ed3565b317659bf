package web

// LocalPath exposes localPath to the package's external tests.
var LocalPath = localPath
