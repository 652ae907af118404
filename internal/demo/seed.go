package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Bucket is the demo bucket, as in the seed guide.
const Bucket = "partner-data"

// sampleObjects are the folders of the seed guide's walkthrough.
var sampleObjects = map[string]string{
	"partner-a/uploads/readme.txt":                 "Upload your files for partner A here.\n",
	"partner-a/uploads/2024/quarterly-report.pdf":  "%PDF-1.4 demo\n",
	"partner-a/uploads/2024/january/.keep":         "",
	"partner-a/uploads/2024/february/.keep":        "",
	"partner-a/uploads/2024/march/.keep":           "",
	"partner-a/uploads/invoices/invoice-000.pdf":   "%PDF-1.4 demo\n",
	"partner-a/processed/report-2024-11.pdf":       "%PDF-1.4 demo\n",
	"partner-a/archive/2023/old.csv":               "a,b\n1,2\n",
	"partner-b/uploads/readme.txt":                 "Upload your files for partner B here.\n",
	"partner-b/downloads/price-list-2025.xlsx":     "demo\n",
	"partner-a-evil/uploads/not-for-partner-a.txt": "a sibling prefix the predecessor's startswith rule leaked\n",
}

func s3Client(m *minioServer) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(m.Endpoint),
		Region:       "us-east-1",
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(m.AccessKey, m.SecretKey, ""),
	})
}

// seedBucket creates the bucket and the sample folders.
func seedBucket(ctx context.Context, m *minioServer) error {
	c := s3Client(m)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(Bucket)}); err != nil {
		return fmt.Errorf("create bucket %s: %w", Bucket, err)
	}
	for key, body := range sampleObjects {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(Bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(body))}); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	return nil
}
