package importer

// genericFormats are the generic formats. See Format.
func genericFormats() []Format { return nil }
