using S3ZipExport.Export;
using S3ZipExport.Pipeline;

namespace S3ZipExport.Tests.Export;

public class CsvFilesTests
{
    [Fact]
    public async Task CSV_passing_through_reuses_the_pipe_blocks_instead_of_allocating_new_ones()
    {
        var files = new CsvFiles("events.csv", numbered: false);
        var writer = files.StartNext();
        const int rowBytes = 3000;
        const long total = 64L * 1024 * 1024; // 16 times the pipe's pause threshold

        var produce = Task.Run(async () =>
        {
            for (long written = 0; written < total; written += rowBytes)
            {
                writer.GetSpan(rowBytes)[..rowBytes].Fill((byte)'x');
                writer.Advance(rowBytes);
                if (written % (256 * 1024) < rowBytes) await writer.FlushAsync();
            }
            await files.CompleteAsync();
        });
        long read = 0;
        await foreach (var reader in files.ReadAllAsync(CancellationToken.None).Select(f => f.Reader))
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                read += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
        }
        await produce;

        Assert.True(read >= total);
        // Bounded by what the pipe holds at most, not by the 64 MiB (1,024 blocks) that went through: its pause
        // threshold (64 blocks), what the writer adds before its next flush (4), and the unused tail of each block
        // (rows don't split across blocks here, so a block holds 21 rows).
        var most = (CsvFiles.PauseBytes + 256 * 1024) / (PipeBlockPool.BlockBytes / rowBytes * rowBytes) + 2;
        Assert.InRange(files.BlocksAllocated, 1, most);
    }
}
