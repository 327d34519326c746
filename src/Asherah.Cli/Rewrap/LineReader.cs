namespace Asherah.Cli.Rewrap;

/// <summary>
/// Reads a stream as lines of bytes, each with its terminator (<c>\n</c>, or none for a last line without one), and
/// counts the bytes consumed, so a checkpoint can name the exact input offset after a line.
/// </summary>
internal sealed class LineReader(Stream stream)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Bytes of the input consumed by the lines returned so far (plus any skipped at the start).</summary>
    public long Offset { get; private set; }

    /// <summary>Starts counting at <paramref name="offset"/> (after seeking the stream there).</summary>
    public void StartAt(long offset) => Offset = offset;

    /// <summary>
    /// The next line including its <c>\n</c>, valid until the next call; <see langword="false"/> at the end of the input.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        int scanFrom = _start;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                return Take(newline + 1);
            }

            if (_eof)
            {
                // Not `cond ? Take(_end) : null`: null would convert to an empty ReadOnlyMemory, never ending the input.
                if (_end > _start)
                {
                    return Take(_end);
                }

                return null;
            }

            scanFrom = _end;
            if (_start > 0)
            {
                // Move the partial line to the front before reading more.
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                scanFrom -= _start;
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, checked(_buffer.Length * 2));
            }

            int read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }
    }

    private ReadOnlyMemory<byte> Take(int end)
    {
        var line = _buffer.AsMemory(_start, end - _start);
        Offset += line.Length;
        _start = end;
        return line;
    }
}
