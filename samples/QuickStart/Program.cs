// The README's quick start, runnable: `dotnet run --project samples/QuickStart`. scripts/test.sh runs it too.
using System.Text;
using Asherah;

// One factory per (product, service), kept for the life of the process.
using var factory = SessionFactory.NewBuilder("my-product", "my-service")
    .WithMetastore(new InMemoryMetastore())                               // SqlMetastore in production
    .WithCryptoPolicy(new BasicExpiringCryptoPolicy { KeyExpiration = TimeSpan.FromDays(90) })
    .WithStaticKeyManagementService("thisIsAStaticMasterKeyForTesting")   // development only: a real KMS in production
    .Build();

// One session per partition (a user, a tenant): cheap to get, dispose when done.
using var session = factory.GetSessionBytes("user-42");

byte[] record = session.Encrypt(Encoding.UTF8.GetBytes("my secret"));   // store this anywhere
byte[] payload = session.Decrypt(record);

Console.WriteLine(Encoding.UTF8.GetString(record));
Console.WriteLine(Encoding.UTF8.GetString(payload));
return Encoding.UTF8.GetString(payload) == "my secret" ? 0 : 1;
