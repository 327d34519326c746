// A canonical-style Node.js client of the Asherah sidecar (@grpc/grpc-js + @grpc/proto-loader, as canonical Asherah's
// Node sample client), driven by Asherah.Server.Tests:
//   node client.js SOCKET PROTO < input.json > output.json
// input:  {"partition": P, "otherPartition": Q, "payloads": [b64...], "records": [record...]}
// record: {"key": {"created": "unix s", "key": b64, "parent_key_meta": {"created": "unix s", "key_id": id}}, "data": b64}
// output: {"records": [record...] (payloads encrypted by the server), "roundTrip": [b64...] (those decrypted again),
//          "decrypted": [b64 | {"error": msg}] (input records decrypted), "notInitialized", "alreadyInitialized",
//          "damaged", "wrongPartition" (error texts), "afterErrors": b64 (the stream still works after them)}
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [socket, protoPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const api = grpc.loadPackageDefinition(definition).asherah.apps.server;
const client = new api.AppEncryption('unix:' + socket, grpc.credentials.createInsecure());

// One Session stream; send() resolves with the next response, in order.
class Session {
  constructor() {
    this.pending = [];
    this.stream = client.Session();
    this.stream.on('data', (response) => this.pending.shift().resolve(response));
    this.stream.on('error', (error) => { for (const p of this.pending.splice(0)) p.reject(error); });
  }
  send(request) {
    return new Promise((resolve, reject) => { this.pending.push({ resolve, reject }); this.stream.write(request); });
  }
  close() {
    return new Promise((resolve, reject) => { this.stream.on('end', resolve); this.stream.on('error', reject); this.stream.end(); });
  }
}

const b64 = (buffer) => Buffer.from(buffer).toString('base64');
const toJson = (r) => ({ key: { created: r.key.created, key: b64(r.key.key), parent_key_meta: { created: r.key.parent_key_meta.created, key_id: r.key.parent_key_meta.key_id } }, data: b64(r.data) });
const fromJson = (r) => ({ key: { created: r.key.created, key: Buffer.from(r.key.key, 'base64'), parent_key_meta: { created: r.key.parent_key_meta.created, key_id: r.key.parent_key_meta.key_id } }, data: Buffer.from(r.data, 'base64') });
const errorOf = (response) => {
  if (response.response !== 'error_response') throw new Error('expected an error_response, got ' + response.response);
  return response.error_response.message;
};

async function main() {
  const output = { records: [], roundTrip: [], decrypted: [] };
  const session = new Session();
  output.notInitialized = errorOf(await session.send({ encrypt: { data: Buffer.from('too early') } }));
  const opened = await session.send({ get_session: { partition_id: input.partition } });
  if (opened.response) throw new Error('get_session answered ' + opened.response);
  output.alreadyInitialized = errorOf(await session.send({ get_session: { partition_id: input.partition } }));

  for (const payload of input.payloads) {
    const response = await session.send({ encrypt: { data: Buffer.from(payload, 'base64') } });
    output.records.push(toJson(response.encrypt_response.data_row_record));
  }
  for (const record of output.records) {
    const response = await session.send({ decrypt: { data_row_record: fromJson(record) } });
    output.roundTrip.push(b64(response.decrypt_response.data));
  }
  for (const record of input.records) {
    const response = await session.send({ decrypt: { data_row_record: fromJson(record) } });
    output.decrypted.push(response.response === 'decrypt_response' ? b64(response.decrypt_response.data) : { error: response.error_response.message });
  }

  const damaged = fromJson(output.records[0]);
  damaged.data[damaged.data.length - 1] ^= 1;
  output.damaged = errorOf(await session.send({ decrypt: { data_row_record: damaged } }));
  const after = await session.send({ encrypt: { data: Buffer.from('after errors') } });
  const again = await session.send({ decrypt: { data_row_record: after.encrypt_response.data_row_record } });
  output.afterErrors = b64(again.decrypt_response.data);
  await session.close();

  const other = new Session();
  await other.send({ get_session: { partition_id: input.otherPartition } });
  output.wrongPartition = errorOf(await other.send({ decrypt: { data_row_record: fromJson(output.records[0]) } }));
  await other.close();

  client.close();
  process.stdout.write(JSON.stringify(output));
}

main().catch((error) => { console.error(error && error.stack || error); process.exit(1); });
