package sheets

import (
	"fmt"
)

func openXLS(f file, size int64, b *base) (Workbook, error) {
	return nil, fmt.Errorf("%w: XLS", ErrUnsupported)
}
