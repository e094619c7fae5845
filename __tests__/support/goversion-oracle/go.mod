module setup-goproxy.test/goversion-oracle

go 1.22
