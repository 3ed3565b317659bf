package httpapi_test

// journeyCases are the isolation matrix cases of the journey routes.
var journeyCases = map[string]request{}
