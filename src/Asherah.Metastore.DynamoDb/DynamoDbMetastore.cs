using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Asherah.Metastore.DynamoDb;

/// <summary>
/// A metastore in a DynamoDB table laid out as canonical Asherah's, so both read and write the same keys.
/// </summary>
/// <remarks>
/// <para>
/// The table has hash key <c>Id</c> (S) and range key <c>Created</c> (N, Unix seconds); each item holds the record as
/// a map, as canonical C# (<c>Document.FromJson</c>), Go and Java write it:
/// <code>
/// item := {"Id": S(key id), "Created": N(unix seconds), "KeyRecord": M{"Created": N, "Key": S(base64)
///          [, "ParentKeyMeta": M{"KeyId": S, "Created": N}] [, "Revoked": BOOL]}}
/// </code>
/// The calls are canonical's, except that reads also project <c>Id</c> so that an item without <c>KeyRecord</c> is
/// reported as malformed rather than missing:
/// <code>
/// load:        GetItem  Id = :id, Created = :created                         ConsistentRead, projection Id, KeyRecord
/// load latest: Query    Id = :id, ScanIndexForward = false, Limit 1          ConsistentRead, projection Id, KeyRecord
/// store:       PutItem  item, ConditionExpression attribute_not_exists(Id)
/// list:        Scan     (paginated), sorted here by Id then Created           ConsistentRead
/// revoke:      UpdateItem Id = :id, Created = :created, SET KeyRecord.Revoked = :true, ConditionExpression attribute_exists(Id)
/// </code>
/// </para>
/// <para>
/// A failed condition on store returns <see langword="false"/> (another writer won). Every other failure throws
/// <see cref="MetastoreException"/> after the SDK's own retries with backoff (configure them on the client:
/// <c>MaxErrorRetry</c>, <c>RetryMode</c>, <c>Timeout</c>): throttling, 5xx responses and network failures are
/// transient; a missing table names the table. A malformed item is a non-transient <see cref="MetastoreException"/>,
/// never a crash or a silent miss. Canonical C# logs such errors and returns "not found" instead.
/// </para>
/// <para>
/// Consistent reads are strongly consistent only for writes made in the same region; with a global table, give each
/// region its own suffix (<see cref="DynamoDbMetastoreOptions.RegionSuffix"/>) so regions never race on one key id.
/// </para>
/// <para>IAM actions used: <c>dynamodb:GetItem</c>, <c>dynamodb:Query</c>, <c>dynamodb:PutItem</c>; <c>dynamodb:Scan</c> for
/// <see cref="ListAsync"/>; <c>dynamodb:UpdateItem</c> for <see cref="RevokeAsync"/>; <c>dynamodb:DescribeTable</c> and <c>dynamodb:CreateTable</c> for <see cref="EnsureTableAsync"/>.</para>
/// </remarks>
public sealed class DynamoDbMetastore : IMetastore, IMetastoreCatalog, IKeyRevoker, IDisposable
{
    // How often EnsureTableAsync asks whether a new table is ACTIVE, and for how long at most.
    private static readonly TimeSpan TablePollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan TableActiveTimeout = TimeSpan.FromMinutes(5);

    private readonly IAmazonDynamoDB _client;
    private readonly bool _ownsClient;
    private readonly string _tableName;
    private readonly ILogger _logger;

    /// <summary>Creates the metastore over <paramref name="client"/>, which stays the caller's to dispose.</summary>
    /// <param name="client">The DynamoDB client (its region, endpoint, credentials and retry settings are used as they are).</param>
    /// <param name="options">The table name and region suffix; defaults when <see langword="null"/>. Copied: later changes do not apply.</param>
    /// <param name="logger">Where failures are logged; none by default.</param>
    /// <exception cref="ArgumentException">
    /// <see cref="DynamoDbMetastoreOptions.EnableRegionSuffix"/> is set but the client has no region to use as the suffix.
    /// </exception>
    public DynamoDbMetastore(IAmazonDynamoDB client, DynamoDbMetastoreOptions? options = null, ILogger<DynamoDbMetastore>? logger = null)
        : this(client, options, logger, ownsClient: false)
    {
    }

    /// <summary>Creates the metastore; with <paramref name="ownsClient"/> it disposes the client with itself.</summary>
    internal DynamoDbMetastore(IAmazonDynamoDB client, DynamoDbMetastoreOptions? options, ILogger? logger, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        options = options?.Clone() ?? new DynamoDbMetastoreOptions();
        _client = client;
        _ownsClient = ownsClient;
        _tableName = options.TableName;
        _logger = logger ?? NullLogger.Instance;
        KeySuffix = options.RegionSuffix ?? (options.EnableRegionSuffix ? RegionOf(client) : null);
    }

    /// <summary>The region suffix of key ids, or <see langword="null"/> for none.</summary>
    public string? KeySuffix { get; }

    /// <summary>The table this metastore uses.</summary>
    public string TableName => _tableName;

    /// <inheritdoc />
    public async ValueTask<EnvelopeKeyRecord?> LoadAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var request = new GetItemRequest
        {
            TableName = _tableName,
            Key = KeyRecordItem.PrimaryKey(keyId, created),
            ConsistentRead = true,

            // Id too, so an item without KeyRecord reads as malformed rather than as no item.
            ProjectionExpression = "#id, " + KeyRecordItem.KeyRecord,
            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#id"] = KeyRecordItem.Id },
        };
        var response = await CallAsync("load a key record", ct => _client.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? KeyRecordItem.ReadRecord(keyId, item) : null;
    }

    /// <inheritdoc />
    public async ValueTask<EnvelopeKeyRecord?> LoadLatestAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var request = new QueryRequest
        {
            TableName = _tableName,
            KeyConditionExpression = "#id = :id",
            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#id"] = KeyRecordItem.Id },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":id"] = new AttributeValue { S = keyId } },
            ScanIndexForward = false,
            Limit = 1,
            ConsistentRead = true,
            ProjectionExpression = "#id, " + KeyRecordItem.KeyRecord,
        };
        var response = await CallAsync("load the latest key record", ct => _client.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Items is { Count: > 0 } items ? KeyRecordItem.ReadRecord(keyId, items[0]) : null;
    }

    /// <inheritdoc />
    public async ValueTask<bool> StoreAsync(string keyId, DateTimeOffset created, EnvelopeKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(record);
        var request = new PutItemRequest
        {
            TableName = _tableName,
            Item = KeyRecordItem.ToItem(keyId, created, record),

            // attribute_not_exists on the hash key checks the item of this (Id, Created) pair: the put wins only when
            // no item has that composite key.
            ConditionExpression = "attribute_not_exists(#id)",
            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#id"] = KeyRecordItem.Id },
        };
        try
        {
            await CallAsync("store a key record", ct => _client.PutItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MetastoreException e) when (e.InnerException is ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One conditional <c>UpdateItem</c> that sets only <c>KeyRecord.Revoked</c>: the other attributes stay as stored, and
    /// the condition keeps a revoke of a missing key from creating an item.
    /// </remarks>
    public async ValueTask<bool> RevokeAsync(string keyId, DateTimeOffset created, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var request = new UpdateItemRequest
        {
            TableName = _tableName,
            Key = KeyRecordItem.PrimaryKey(keyId, created),
            UpdateExpression = "SET #record.#revoked = :true",
            ConditionExpression = "attribute_exists(#id)",
            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["#id"] = KeyRecordItem.Id,
                ["#record"] = KeyRecordItem.KeyRecord,
                ["#revoked"] = "Revoked",
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":true"] = new AttributeValue { BOOL = true } },
        };
        try
        {
            await CallAsync("revoke a key record", ct => _client.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MetastoreException e) when (e.InnerException is ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    /// <remarks>Scans the whole table (paginated, consistent reads), then sorts; meant for tooling, not the request path.</remarks>
    public async IAsyncEnumerable<StoredKeyRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var rows = new List<StoredKeyRecord>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var request = new ScanRequest { TableName = _tableName, ConsistentRead = true, ExclusiveStartKey = startKey };
            var page = await CallAsync("list key records", ct => _client.ScanAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items ?? [])
            {
                var (keyId, created) = KeyRecordItem.ReadPrimaryKey(item);
                rows.Add(new StoredKeyRecord(keyId, created, KeyRecordItem.ReadRecord(keyId, item)));
            }

            startKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        rows.Sort(static (a, b) =>
        {
            int byId = string.CompareOrdinal(a.KeyId, b.KeyId);
            return byId != 0 ? byId : a.Created.CompareTo(b.Created);
        });
        foreach (var row in rows)
        {
            yield return row;
        }
    }

    /// <summary>
    /// Creates the table if it does not exist (on-demand capacity, hash key <c>Id</c> S, range key <c>Created</c> N)
    /// and waits until it is <c>ACTIVE</c>.
    /// </summary>
    /// <remarks>
    /// Opt-in: production tables (and global table replicas) are usually made by infrastructure code. An existing table
    /// is left as it is, but one whose key schema is not the canonical one is refused. Needs
    /// <c>dynamodb:DescribeTable</c> and <c>dynamodb:CreateTable</c>. Safe to call concurrently.
    /// </remarks>
    /// <exception cref="MetastoreException">
    /// DynamoDB failed, the existing table has another key schema, or the table did not become active within 5 minutes.
    /// </exception>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        var table = await DescribeAsync(cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            var request = new CreateTableRequest
            {
                TableName = _tableName,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions =
                [
                    new AttributeDefinition(KeyRecordItem.Id, ScalarAttributeType.S),
                    new AttributeDefinition(KeyRecordItem.Created, ScalarAttributeType.N),
                ],
                KeySchema =
                [
                    new KeySchemaElement(KeyRecordItem.Id, KeyType.HASH),
                    new KeySchemaElement(KeyRecordItem.Created, KeyType.RANGE),
                ],
            };
            try
            {
                await CallAsync("create the table", ct => _client.CreateTableAsync(request, ct), cancellationToken).ConfigureAwait(false);
                DynamoDbMetastoreLog.TableCreated(_logger, _tableName);
            }
            catch (MetastoreException e) when (e.InnerException is ResourceInUseException)
            {
                // Another caller created it first; wait for it like our own.
            }
        }

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            table = await DescribeAsync(cancellationToken).ConfigureAwait(false);
            if (table is not null)
            {
                CheckKeySchema(table);
                if (table.TableStatus == TableStatus.ACTIVE)
                {
                    return;
                }
            }

            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > TableActiveTimeout)
            {
                throw new MetastoreException($"The DynamoDB table '{_tableName}' did not become ACTIVE within {TableActiveTimeout.TotalMinutes} minutes (status {table?.TableStatus?.Value ?? "missing"}).", isTransient: true);
            }

            await Task.Delay(TablePollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the client when this metastore created it (the <c>dynamodb</c> provider); a client given to the constructor stays open.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<TableDescription?> DescribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.DescribeTableAsync(new DescribeTableRequest { TableName = _tableName }, cancellationToken).ConfigureAwait(false);
            return response.Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (DynamoDbErrors.IsTranslatable(e) && !IsCallersCancellation(e, cancellationToken))
        {
            DynamoDbMetastoreLog.Failed(_logger, "describe the table", _tableName, e);
            throw DynamoDbErrors.Translate(e, "describe the table", _tableName);
        }
    }

    private void CheckKeySchema(TableDescription table)
    {
        string? Key(KeyType type) => table.KeySchema?.FirstOrDefault(k => k.KeyType == type)?.AttributeName;
        string? TypeOf(string? name) => table.AttributeDefinitions?.FirstOrDefault(a => a.AttributeName == name)?.AttributeType?.Value;

        string? hash = Key(KeyType.HASH), range = Key(KeyType.RANGE);
        if (hash != KeyRecordItem.Id || range != KeyRecordItem.Created
            || TypeOf(hash) is not (null or "S") || TypeOf(range) is not (null or "N"))
        {
            throw new MetastoreException(
                $"The DynamoDB table '{_tableName}' exists with key schema hash '{hash}' ({TypeOf(hash)}), range '{range}' ({TypeOf(range)}); " +
                "the metastore needs hash key Id (S) and range key Created (N).");
        }
    }

    /// <summary>Runs one SDK call, translating its failures (not the caller's cancellation) into <see cref="MetastoreException"/>.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException e)
        {
            // Expected on a duplicate store; StoreAsync turns it into false.
            throw new MetastoreException($"The conditional put to DynamoDB table '{_tableName}' failed: the item exists.", e);
        }
        catch (Exception e) when (DynamoDbErrors.IsTranslatable(e) && !IsCallersCancellation(e, cancellationToken))
        {
            DynamoDbMetastoreLog.Failed(_logger, operation, _tableName, e);
            throw DynamoDbErrors.Translate(e, operation, _tableName);
        }
    }

    /// <summary>Whether <paramref name="exception"/> is the caller's own cancellation, which propagates as it is.</summary>
    private static bool IsCallersCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static string RegionOf(IAmazonDynamoDB client)
    {
        var config = client.Config;
        string? region = config?.RegionEndpoint?.SystemName ?? config?.AuthenticationRegion;
        if (string.IsNullOrEmpty(region))
        {
            throw new ArgumentException(
                "EnableRegionSuffix is set but the DynamoDB client has no region (neither RegionEndpoint nor AuthenticationRegion); " +
                "set the client's region (configuration: Asherah:DynamoDbRegion, environment ASHERAH_DYNAMODB_REGION) or DynamoDbMetastoreOptions.RegionSuffix.",
                nameof(client));
        }

        return region;
    }
}
