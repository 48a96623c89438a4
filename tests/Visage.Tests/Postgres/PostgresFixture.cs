namespace Visage.Tests.Postgres;

/// <summary>One PostgreSQL server for every test of the collection; each test makes its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    internal PostgresServer Server =>
        _server ?? throw new InvalidOperationException("the PostgreSQL fixture has not been started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>A new, empty database on the shared server.</summary>
    public Task<string> CreateDatabaseAsync() => Server.CreateDatabaseAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL: one server started for the tests";
}
