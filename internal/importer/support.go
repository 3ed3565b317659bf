package importer

// supportFormats are the support formats. See Format.
func supportFormats() []Format { return nil }
