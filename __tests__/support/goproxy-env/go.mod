module setup-goproxy.test/goproxy-env

go 1.22
