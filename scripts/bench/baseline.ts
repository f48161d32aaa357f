// The yardstick: a bare Koa app answering one small JSON body. Every benchmark route is reported
// as a ratio to this, measured in the same run on the same machine.
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
http.createServer(app.callback()).listen(Number(process.env.PORT), '127.0.0.1');
