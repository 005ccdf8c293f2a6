module example.com/clean

go 1.22

// 日本語のコメント 🎉
require golang.org/x/text v0.20.0
