require('http').createServer((_req, res) => res.end('hello\n')).listen(8080);
