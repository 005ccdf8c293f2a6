module example.com/broken

go 1.22

require (
	golang.org/x/text v0.20 // a non-canonical version
	not a valid line
	example.com/ok v1.0.0 // gomodls:ignore invalid-version
)

replace golang.org/x/text => ./missing

replace example.com/ok => ./nomod
