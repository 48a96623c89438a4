using System.Net.Sockets;
using Npgsql;

namespace Visage.Tests.Postgres;

/// <summary>The harness itself: a real server, started and stopped by the tests.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_server_starts_on_loopback_answers_and_is_gone_after_dispose()
    {
        var server = await PostgresServer.StartAsync();
        int port;
        string folder;
        try
        {
            (port, folder) = (server.Port, server.Folder);
            Assert.Equal("15", server.Version);
            await using (var connection = new NpgsqlConnection(await server.CreateDatabaseAsync()))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT version(), inet_server_addr()::text", connection);
                await using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                Assert.StartsWith("PostgreSQL 15", reader.GetString(0));
                Assert.Equal("127.0.0.1/32", reader.GetString(1));
            }
            if (Environment.UserName == "root")
                Assert.NotEqual(0, server.ServerProcessUid());
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists(folder));
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Each_test_database_starts_empty_and_apart_from_the_others()
    {
        var first = await fixture.CreateDatabaseAsync();
        var second = await fixture.CreateDatabaseAsync();
        Assert.NotEqual(first, second);

        await using (var a = new NpgsqlConnection(first))
        {
            await a.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (1)", a).ExecuteNonQueryAsync();
        }
        await using var b = new NpgsqlConnection(second);
        await b.OpenAsync();
        var tables = (long)(await new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", b).ExecuteScalarAsync())!;
        Assert.Equal(0, tables);
    }
}
