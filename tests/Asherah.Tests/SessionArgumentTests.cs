namespace Asherah.Tests;

/// <summary>Every Load and Store overload, sync and async, refuses null arguments with ArgumentNullException.</summary>
public class SessionArgumentTests
{
    private static readonly AdhocPersistence<byte[]> Persistence = new(_ => null, (_, _) => { });

    [Fact]
    public void Load_WithANullKeyOrPersistence_ThrowsArgumentNull()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        Assert.Throws<ArgumentNullException>(() => session.Load(null!, Persistence));
        Assert.Throws<ArgumentNullException>(() => session.Load("key", null!));
    }

    [Fact]
    public async Task LoadAsync_WithANullKeyOrPersistence_ThrowsArgumentNull()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.LoadAsync(null!, Persistence));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.LoadAsync("key", null!));
    }

    [Fact]
    public void Store_WithANullKeyPayloadOrPersistence_ThrowsArgumentNull()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        Assert.Throws<ArgumentNullException>(() => session.Store(null!, Persistence));
        Assert.Throws<ArgumentNullException>(() => session.Store([1], null!));
        Assert.Throws<ArgumentNullException>(() => session.Store(null!, [1], Persistence));
        Assert.Throws<ArgumentNullException>(() => session.Store("key", null!, Persistence));
        Assert.Throws<ArgumentNullException>(() => session.Store("key", [1], null!));
    }

    [Fact]
    public async Task StoreAsync_WithANullKeyPayloadOrPersistence_ThrowsArgumentNull()
    {
        using var factory = TestFactories.New();
        using var session = factory.GetSessionJson("partition");
        var persistence = new AdhocPersistence<byte[]>(_ => null, (_, _) => { });

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.StoreAsync(null!, persistence));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.StoreAsync([], null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.StoreAsync(null!, [], persistence));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.StoreAsync("key", null!, persistence));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await session.StoreAsync("key", [], null!));
    }

    [Fact]
    public void NullArguments_AreRefusedBeforeThePersistenceIsCalled()
    {
        int calls = 0;
        var counting = new AdhocPersistence<byte[]>(_ => { calls++; return null; }, (_, _) => calls++);
        using var factory = TestFactories.New();
        using var session = factory.GetSessionBytes("partition");

        Assert.Throws<ArgumentNullException>(() => session.Load(null!, counting));
        Assert.Throws<ArgumentNullException>(() => session.Store(null!, [1], counting));
        Assert.Equal(0, calls);
    }
}
